// Onboarding throughput: invited customers created per second through SCIM (POST /Users with
// askPassword, each committing its user, invitation link, outbox mail and audit record in one
// transaction), then mails dispatched per second from the outbox to a local SMTP server.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:onboarding -- [--seconds 10] [--concurrency 16] [--rounds 3] [--dispatchers 1]
//
// Target: at least 300 invited customers per second on PostgreSQL on this machine (2 cores).
// The server runs in this process (Fastify on a loopback port, production configuration but
// for the dispatcher, which this script starts only for the second phase so the two figures
// do not mix); the SCIM client is a fixed number of concurrent keep-alive connections. Mails go
// to an smtp-server in this process that accepts and discards them. Without DATABASE_URL it
// measures a SQLite file in a temporary directory instead. The run's schema (or directory) is
// dropped at the end.

import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { openSystem } from '../src/system.ts';
import { buildApp } from '../src/app.ts';
import { createRepos } from '../src/repos/index.ts';
import { createDatabase } from '../src/db/database.ts';
import { createMailDispatcher } from '../src/mail/dispatcher.ts';
import { createSmtpTransport } from '../src/mail/smtp-transport.ts';
import { SYSTEM_CONTEXT } from '../src/services/request-context.ts';
import { createBenchDatabase, fixed, freePort, startSmtpSink, machineInfo, median, positiveInteger, printMachine, withCleanup } from './support.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    concurrency: { type: 'string' },
    rounds: { type: 'string' },
    dispatchers: { type: 'string' },
  },
});
const SECONDS = positiveInteger('seconds', values.seconds, 10);
const CONCURRENCY = positiveInteger('concurrency', values.concurrency, 16);
const ROUNDS = positiveInteger('rounds', values.rounds, 3);
const DISPATCHERS = positiveInteger('dispatchers', values.dispatchers, 1);
const TARGET_PER_SECOND = 300;

async function main() {
  printMachine(machineInfo());
  const database = await createBenchDatabase();
  const sink = await startSmtpSink();
  await withCleanup(
    async () => {
      await sink.close();
      await database.drop();
    },
    async () => {
      console.log(`database: ${database.description}`);
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const config = loadConfig({ ...database.env, PUBLIC_URL: baseUrl, SMTP_URL: sink.url, LOG_LEVEL: 'warn' });
      const system = await openSystem(config, { mail: { batchSize: 50, concurrency: 8 } });
      const app = await buildApp(system, { logger: false });
      await app.listen({ port, host: '127.0.0.1' });
      try {
        const { organization } = await system.services.organizations.createOrganization(
          { handle: 'bench', displayName: 'Benchmark', ownerEmail: 'owner@bench.test', ownerPassword: crypto.randomBytes(16).toString('hex') },
          SYSTEM_CONTEXT,
        );
        const { application, clientSecret } = await system.services.applications.createApplication(
          organization.id,
          { name: 'bench', type: 'm2m', scopes: ['internal_user_mgt_create'] },
          SYSTEM_CONTEXT,
        );
        const tokenResponse = await fetch(`${baseUrl}/t/bench/oauth2/token`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`${application.id}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'internal_user_mgt_create' }),
        });
        const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

        // Phase 1: invited customers per second through SCIM.
        let serial = 0;
        const created: number[] = [];
        let failures = 0;
        for (let round = 1; round <= ROUNDS; round += 1) {
          const deadline = performance.now() + SECONDS * 1000;
          const started = performance.now();
          let ok = 0;
          await Promise.all(
            Array.from({ length: CONCURRENCY }, async () => {
              while (performance.now() < deadline) {
                serial += 1;
                const response = await fetch(`${baseUrl}/t/bench/scim2/Users`, {
                  method: 'POST',
                  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
                  body: JSON.stringify({
                    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
                    userName: `invitee${serial}@bench.test`,
                    name: { givenName: 'Invited', familyName: `Customer ${serial}` },
                    'urn:scim:wso2:schema': { askPassword: true },
                  }),
                });
                await response.arrayBuffer();
                if (response.status === 201) ok += 1;
                else failures += 1;
              }
            }),
          );
          const perSecond = ok / ((performance.now() - started) / 1000);
          created.push(perSecond);
          console.log(`round ${round}: ${ok} invited customers in ${SECONDS} s: ${fixed(perSecond)} /s`);
        }
        const pending = await system.repos.outbox.countByStatus('pending');
        const users = (await system.repos.users.count(organization.id)) - 1;
        console.log(`invited customers created: median ${fixed(median(created))} /s (target >= ${TARGET_PER_SECOND}: ${median(created) >= TARGET_PER_SECOND ? 'met' : 'MISSED'}); ${failures} failed requests`);
        console.log(`outbox rows pending: ${pending} for ${users} invited users (${pending === users ? 'one each' : 'MISMATCH'})`);

        // Phase 2: mails dispatched per second to the local SMTP server, by DISPATCHERS
        // dispatchers (each with its own connection pool on PostgreSQL, as instances would).
        const extra = Array.from({ length: DISPATCHERS - 1 }, () => {
          const db = database.engine === 'postgresql' ? createDatabase({ databaseUrl: database.env.DATABASE_URL, poolSize: 4 }) : system.db;
          const transport = createSmtpTransport(sink.url, baseUrl);
          return { db, transport, dispatcher: createMailDispatcher({ repos: createRepos(db), clock: system.clock, transport, options: { batchSize: 50, concurrency: 8 } }) };
        });
        const started = performance.now();
        const counts = await Promise.all([system.mail.drain(), ...extra.map((e) => e.dispatcher.drain())]);
        const seconds = (performance.now() - started) / 1000;
        const sent = counts.reduce((a, b) => a + b, 0);
        for (const e of extra) {
          await e.transport.close();
          if (e.db !== system.db) await e.db.destroy();
        }
        console.log(
          `mails dispatched: ${sent} in ${fixed(seconds, 2)} s: ${fixed(sent / seconds)} /s with ${DISPATCHERS} dispatcher(s) [${counts.join(', ')}]; SMTP server received ${sink.received()}; still pending ${await system.repos.outbox.countByStatus('pending')}, failed ${await system.repos.outbox.countByStatus('failed')}`,
        );
      } finally {
        await app.close();
        await system.close();
      }
    },
  );
}

await main();
