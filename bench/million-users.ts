// The benchmark organization with a million users on PostgreSQL, shared by the benchmarks that
// measure lists and exports at that size. The users live in their own database
// (`tessera_bench`, created on first use and reused by later runs: generating a million users
// takes a minute or two).

import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openSystem } from '../src/system.ts';
import { SYSTEM_CONTEXT } from '../src/services/request-context.ts';
import { API_SCOPES } from '../src/oidc/scopes.ts';
import { BENCH_DOMAIN, generateUsers } from './scim-data.ts';

const BENCH_DATABASE = 'tessera_bench';
export const BENCH_HANDLE = 'bench';

export function requiredDatabaseUrl(script: string): string {
  const base = process.env.DATABASE_URL;
  if (!base) {
    console.error(`${script} measures PostgreSQL: set DATABASE_URL (any database on the server; the bench uses its own database)`);
    process.exit(2);
  }
  return base;
}

async function ensureBenchDatabase(baseUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [BENCH_DATABASE]);
  if (exists.rowCount === 0) await admin.query(`create database ${BENCH_DATABASE}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${BENCH_DATABASE}`;
  url.search = '';
  return url.href;
}

/** The resident memory of a process, from /proc. */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export interface MillionUsers {
  /** The bench database's URL. */
  url: string;
  orgId: string;
  total: number;
  /** A new m2m application with every API scope. */
  clientId: string;
  clientSecret: string;
}

/** The organization with `users` generated users (generated when it has fewer), and an application to call it with. */
export async function ensureMillionUsers(baseUrl: string, users: number, publicUrl: string): Promise<MillionUsers> {
  const url = await ensureBenchDatabase(baseUrl);
  const system = await openSystem(loadConfig({ DATABASE_URL: url, PUBLIC_URL: publicUrl, LOG_LEVEL: 'silent' }));
  try {
    let organization = await system.repos.organizations.findByHandle(BENCH_HANDLE);
    if (!organization) {
      organization = (
        await system.services.organizations.createOrganization(
          { handle: BENCH_HANDLE, displayName: 'Benchmark', ownerEmail: `owner@${BENCH_DOMAIN}`, ownerPassword: crypto.randomBytes(16).toString('hex') },
          SYSTEM_CONTEXT,
        )
      ).organization;
    }
    const have = await system.repos.users.count(organization.id);
    if (have < users) {
      console.log(`generating ${users} users (have ${have})...`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`delete from users where org_id = $1 and user_name like 'user%@${BENCH_DOMAIN}'`, [organization.id]);
      await generateUsers(client, organization.id, users, (line) => console.log(line));
      await client.end();
    }
    const total = await system.repos.users.count(organization.id);
    const { application, clientSecret } = await system.services.applications.createApplication(
      organization.id,
      { name: `bench ${new Date().toISOString()}`, type: 'm2m', scopes: [...API_SCOPES] },
      SYSTEM_CONTEXT,
    );
    return { url, orgId: organization.id, total, clientId: application.id, clientSecret: clientSecret! };
  } finally {
    await system.close();
  }
}

/** A client-credentials access token of the application, from the running server. */
export async function benchToken(serverUrl: string, setup: MillionUsers, scope: string): Promise<string> {
  const response = await fetch(`${serverUrl}/t/${BENCH_HANDLE}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${setup.clientId}:${setup.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  if (!response.ok) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
