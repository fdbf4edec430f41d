// Token refreshes and userinfo calls per second against a real server process on PostgreSQL.
// Each refresh rotates the token (the old one is consumed, a new one issued) and re-checks the
// user's access to the application, as production does.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:oidc-tokens
//
// CHAINS concurrent clients each refresh their own token chain (or call userinfo) for SECONDS,
// ROUNDS times; the report gives each round's rate and the median.

import crypto from 'node:crypto';
import * as client from 'openid-client';
import { loadConfig } from '../src/config.ts';
import { openSystem } from '../src/system.ts';
import { SYSTEM_CONTEXT } from '../src/services/request-context.ts';
import { TestBrowser } from '../test/support/browser.ts';
import { createBenchDatabase, fixed, freePort, machineInfo, median, positiveInteger, printMachine, startServerProcess, withCleanup } from './support.ts';

const CHAINS = positiveInteger('CHAINS', process.env.CHAINS, 32);
const SECONDS = positiveInteger('SECONDS', process.env.SECONDS, 10);
const ROUNDS = positiveInteger('ROUNDS', process.env.ROUNDS, 3);
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'correct horse battery staple 42';

async function forSeconds(seconds: number, chains: number, step: (chain: number) => Promise<void>): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let completed = 0;
  await Promise.all(
    Array.from({ length: chains }, async (_, chain) => {
      while (performance.now() < deadline) {
        await step(chain);
        completed += 1;
      }
    }),
  );
  return completed / seconds;
}

async function main() {
  if (!process.env.DATABASE_URL) {
    console.error('bench/oidc-tokens.ts measures PostgreSQL: set DATABASE_URL');
    process.exit(2);
  }
  printMachine(machineInfo());
  const database = await createBenchDatabase();
  await withCleanup(database.drop, async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = { ...database.env, PUBLIC_URL: baseUrl };

    const system = await openSystem(loadConfig({ ...env, LOG_LEVEL: 'silent' }), { migrate: false });
    const { organization } = await system.services.organizations.createOrganization(
      { handle: 'bench', displayName: 'Benchmark', ownerEmail: 'owner@bench.test', ownerPassword: crypto.randomBytes(16).toString('hex') },
      SYSTEM_CONTEXT,
    );
    await system.services.settings.update(organization.id, { forceTemporaryPasswordChange: false }, SYSTEM_CONTEXT);
    await system.services.users.createUser(organization, { userName: 'customer@bench.test', password: PASSWORD }, SYSTEM_CONTEXT);
    const group = await system.services.groups.createGroup(organization.id, { displayName: 'Members' }, SYSTEM_CONTEXT);
    const customer = await system.repos.users.findByUserName(organization.id, 'customer@bench.test');
    await system.services.groups.updateGroup(organization.id, group.group.id, { members: { add: [customer!.id], remove: [] } }, SYSTEM_CONTEXT);
    // A group-restricted application: every refresh checks membership.
    const { application } = await system.services.applications.createApplication(
      organization.id,
      { name: 'Bench app', type: 'spa', redirectUris: [REDIRECT_URI], allowedGroupIds: [group.group.id] },
      SYSTEM_CONTEXT,
    );
    await system.close();

    const server = await startServerProcess(port, env, { cpuProfDir: process.env.PROFILE_DIR });
    try {
      const config = await client.discovery(new URL(`${baseUrl}/t/bench/oauth2/token`), application.id, undefined, client.None(), {
        execute: [client.allowInsecureRequests],
      });
      console.log(`signing in ${CHAINS} clients...`);
      const chains = await Promise.all(
        Array.from({ length: CHAINS }, async () => {
          const verifier = client.randomPKCECodeVerifier();
          const url = client.buildAuthorizationUrl(config, {
            redirect_uri: REDIRECT_URI,
            scope: 'openid email groups',
            code_challenge: await client.calculatePKCECodeChallenge(verifier),
            code_challenge_method: 'S256',
          });
          const result = await new TestBrowser(baseUrl).signIn(url.href, 'customer@bench.test', PASSWORD);
          if (!result.location) throw new Error(`sign-in failed: ${result.status}`);
          const tokens = await client.authorizationCodeGrant(config, new URL(result.location), { pkceCodeVerifier: verifier });
          return { refreshToken: tokens.refresh_token!, accessToken: tokens.access_token };
        }),
      );

      const tokenUrl = `${baseUrl}/t/bench/oauth2/token`;
      const refresh = async (chain: number) => {
        const response = await fetch(tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: chains[chain].refreshToken, client_id: application.id }),
        });
        const body = (await response.json()) as { refresh_token?: string; access_token?: string; error?: string };
        if (!body.refresh_token) throw new Error(`refresh failed: ${response.status} ${JSON.stringify(body)}`);
        chains[chain] = { refreshToken: body.refresh_token, accessToken: body.access_token! };
      };
      const userinfoUrl = `${baseUrl}/t/bench/oauth2/userinfo`;
      const userinfo = async (chain: number) => {
        const response = await fetch(userinfoUrl, { headers: { authorization: `Bearer ${chains[chain].accessToken}` } });
        if (response.status !== 200) throw new Error(`userinfo failed: ${response.status}`);
        await response.arrayBuffer();
      };

      for (const [name, step] of [
        ['token refreshes (rotating, group-checked)', refresh],
        ['userinfo calls', userinfo],
      ] as const) {
        await forSeconds(2, CHAINS, step); // warm-up
        const rates: number[] = [];
        for (let round = 0; round < ROUNDS; round += 1) rates.push(await forSeconds(SECONDS, CHAINS, step));
        const perCore = median(rates) / 2;
        console.log(`${name}: median ${fixed(median(rates), 0)}/s (${fixed(perCore, 0)}/s per core of 2, server and PostgreSQL sharing them); rounds [${rates.map((r) => fixed(r, 0)).join(', ')}]`);
      }
    } finally {
      await server.stop();
    }
  });
}

await main();
