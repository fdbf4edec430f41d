// Bulk import throughput: CSV rows imported per second as invited customers (each row a user,
// its invitation link, its outbox mail and its audit records, in one transaction), by a real
// server process, with its RSS sampled as the import advances; beside it, in the same run, the
// rate of the way a migration script would do it without imports: SCIM POST /Users with
// askPassword, one request after another. Several rounds, alternating.
//
//   npm run bench:imports -- [--rows 100000] [--rounds 2] [--scim 2000]
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:imports -- [--rows 100000]
//
// Without DATABASE_URL it measures a SQLite file in a temporary directory. The run's schema (or
// directory) is dropped at the end. "Flat" RSS means the server's memory at 25, 50, 75 and 100 %
// of the rows stays where it was at the start of the run, whatever the number of rows.

import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { openSystem } from '../src/system.ts';
import { SYSTEM_CONTEXT } from '../src/services/request-context.ts';
import { createBenchDatabase, fixed, freePort, startSmtpSink, machineInfo, median, positiveInteger, printMachine, sleep, startServerProcess, withCleanup } from './support.ts';
import { rssMiB } from './million-users.ts';

const { values } = parseArgs({ options: { rows: { type: 'string' }, rounds: { type: 'string' }, scim: { type: 'string' } } });
const ROWS = positiveInteger('rows', values.rows, 100_000);
const ROUNDS = positiveInteger('rounds', values.rounds, 2);
const SCIM_USERS = positiveInteger('scim', values.scim, 2_000);
const HANDLE = 'bench';

interface ImportRun {
  uploadSeconds: number;
  runSeconds: number;
  rowsPerSecond: number;
  rssStartMiB: number;
  rssByProgress: number[];
  peakRssMiB: number;
}

function csvOf(round: number): string {
  const lines = ['username,givenname,familyname,groups'];
  for (let i = 0; i < ROWS; i++) lines.push(`r${round}-person${i}@bench.test,Person,Number ${i},`);
  return lines.join('\n');
}

async function timeImport(baseUrl: string, token: string, pid: number, round: number): Promise<ImportRun> {
  const body = csvOf(round);
  const rssStartMiB = rssMiB(pid);
  let peakRssMiB = rssStartMiB;
  const started = performance.now();
  const response = await fetch(`${baseUrl}/t/${HANDLE}/api/server/v1/imports?delivery=email&fileName=round${round}.csv`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body,
  });
  if (response.status !== 202) throw new Error(`import: ${response.status} ${await response.text()}`);
  const { id } = (await response.json()) as { id: string };
  const uploaded = performance.now();
  const rssByProgress: number[] = [];
  for (;;) {
    await sleep(250);
    const rss = rssMiB(pid);
    peakRssMiB = Math.max(peakRssMiB, rss);
    const status = (await (await fetch(`${baseUrl}/t/${HANDLE}/api/server/v1/imports/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      state: string;
      processedRows: number;
      outcomes: Record<string, number>;
    };
    while (rssByProgress.length < 4 && status.processedRows >= ((rssByProgress.length + 1) * ROWS) / 4) rssByProgress.push(rss);
    if (status.state === 'completed') {
      if (status.outcomes.invited !== ROWS) throw new Error(`expected ${ROWS} invited, got ${JSON.stringify(status.outcomes)}`);
      break;
    }
    if (status.state !== 'queued' && status.state !== 'running') throw new Error(`import ended ${status.state}`);
  }
  const finished = performance.now();
  return {
    uploadSeconds: (uploaded - started) / 1000,
    runSeconds: (finished - uploaded) / 1000,
    rowsPerSecond: ROWS / ((finished - started) / 1000),
    rssStartMiB,
    rssByProgress,
    peakRssMiB,
  };
}

async function timeSequentialScim(baseUrl: string, token: string, round: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < SCIM_USERS; i++) {
    const response = await fetch(`${baseUrl}/t/${HANDLE}/scim2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `s${round}-person${i}@bench.test`,
        name: { givenName: 'Person', familyName: `Number ${i}` },
        'urn:scim:wso2:schema': { askPassword: true },
      }),
    });
    if (response.status !== 201) throw new Error(`SCIM create: ${response.status} ${await response.text()}`);
  }
  return SCIM_USERS / ((performance.now() - started) / 1000);
}

async function main() {
  printMachine(machineInfo());
  const database = await createBenchDatabase();
  console.log(`database: ${database.description}`);
  const sink = await startSmtpSink();
  let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  await withCleanup(
    async () => {
      await server?.stop();
      await sink.close();
      await database.drop();
    },
    async () => {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      // The organization and an application, made before the server starts (SQLite: one writer).
      const setup = await openSystem(loadConfig({ ...database.env, PUBLIC_URL: baseUrl, LOG_LEVEL: 'silent' }));
      await setup.services.organizations.createOrganization(
        { handle: HANDLE, displayName: 'Benchmark', ownerEmail: 'owner@bench.test', ownerPassword: crypto.randomBytes(16).toString('hex') },
        SYSTEM_CONTEXT,
      );
      const organization = (await setup.repos.organizations.findByHandle(HANDLE))!;
      const { application, clientSecret } = await setup.services.applications.createApplication(
        organization.id,
        { name: 'bench', type: 'm2m', scopes: ['internal_user_mgt_create', 'internal_user_mgt_list'] },
        SYSTEM_CONTEXT,
      );
      await setup.close();

      server = await startServerProcess(port, { ...database.env, PUBLIC_URL: baseUrl, SMTP_URL: sink.url });
      const tokenResponse = await fetch(`${baseUrl}/t/${HANDLE}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${application.id}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'internal_user_mgt_create internal_user_mgt_list' }),
      });
      const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

      const imports: ImportRun[] = [];
      const scim: number[] = [];
      for (let round = 1; round <= ROUNDS; round += 1) {
        // The sequential SCIM creates first, then the import: each round compares the two on the same database.
        const sequential = await timeSequentialScim(baseUrl, token, round);
        scim.push(sequential);
        console.log(`round ${round}: sequential SCIM POST /Users (askPassword), ${SCIM_USERS} users: ${fixed(sequential)} users/s`);
        const run = await timeImport(baseUrl, token, server.pid, round);
        imports.push(run);
        console.log(
          `round ${round}: import of ${ROWS} rows: upload ${fixed(run.uploadSeconds)} s, run ${fixed(run.runSeconds)} s: ${fixed(run.rowsPerSecond)} rows/s (import / SCIM = ${fixed(run.rowsPerSecond / sequential, 2)}); ` +
            `server RSS ${fixed(run.rssStartMiB, 0)} MiB at the start, ${run.rssByProgress.map((v) => fixed(v, 0)).join('/')} MiB at 25/50/75/100 %, peak ${fixed(run.peakRssMiB, 0)} MiB; mails received so far ${sink.received()}`,
        );
      }
      const ratios = imports.map((run, i) => run.rowsPerSecond / scim[i]);
      console.log(
        `\nimport: median ${fixed(median(imports.map((r) => r.rowsPerSecond)))} rows/s (rounds: ${imports.map((r) => fixed(r.rowsPerSecond)).join(', ')}); ` +
          `sequential SCIM: median ${fixed(median(scim))} users/s; ratio per round ${ratios.map((r) => fixed(r, 2)).join(', ')} (median ${fixed(median(ratios), 2)})`,
      );
      console.log(`server RSS growth during an import (peak - start): ${imports.map((r) => fixed(r.peakRssMiB - r.rssStartMiB, 0)).join(', ')} MiB`);
    },
  );
}

await main();
