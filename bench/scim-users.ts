// SCIM at a million users on PostgreSQL: HTTP round-trip latency of the filters and pages a
// provisioning client or the Console uses, against a real server process, and that server's
// memory while it answers.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres USERS=1000000 npm run bench:scim
//
// The users live in their own database (`tessera_bench`, created on first use and reused by
// later runs: generating a million users takes a minute or two). Each scenario runs ROUNDS
// rounds of REQUESTS sequential requests; the report gives each round's p50 and p95 and the
// median of the rounds, as this machine is shared and noisy.

import crypto from 'node:crypto';
import { FAMILY_NAMES, userNameOf } from './scim-data.ts';
import { BENCH_HANDLE, benchToken, ensureMillionUsers, requiredDatabaseUrl, rssMiB } from './million-users.ts';
import { fixed, freePort, machineInfo, median, percentileOfSorted, positiveInteger, printMachine, startServerProcess } from './support.ts';

const USERS = positiveInteger('USERS', process.env.USERS, 1_000_000);
const ROUNDS = positiveInteger('ROUNDS', process.env.ROUNDS, 5);
const REQUESTS = positiveInteger('REQUESTS', process.env.REQUESTS, 200);
const HANDLE = BENCH_HANDLE;

/** The id the generator gives user i (md5 of organization id and i, as a UUID). */
function generatedId(orgId: string, i: number): string {
  const hex = crypto.createHash('md5').update(orgId + String(i)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function createdAtOf(i: number): string {
  return new Date(Date.UTC(2022, 0, 1) + i * 90_000).toISOString();
}

interface Scenario {
  name: string;
  target?: number;
  path: (n: number) => string;
  check?: (body: { totalResults: number; Resources: unknown[] }) => void;
}

async function main() {
  const info = machineInfo();
  printMachine(info);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const setup = await ensureMillionUsers(requiredDatabaseUrl('bench/scim-users.ts'), USERS, publicUrl);
  const organization = { id: setup.orgId };
  const env = { DATABASE_URL: setup.url, PUBLIC_URL: publicUrl };
  console.log(`organization ${HANDLE}: ${setup.total} users`);

  const server = await startServerProcess(port, env);
  try {
    const token = await benchToken(server.url, setup, 'internal_user_mgt_list internal_user_mgt_view');
    const get = async (path: string) => {
      const response = await fetch(`${server.url}/t/${HANDLE}/scim2${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await response.json();
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
      return body as { totalResults: number; Resources: unknown[]; nextCursor?: string };
    };
    const random = (max: number) => 1 + Math.floor(Math.random() * max);
    const q = (filter: string) => encodeURIComponent(filter);

    // A cursor's first part fingerprints its query; take it from a real first page, then aim
    // cursors at random positions of the million, as a client resuming anywhere would.
    const first = await get('/Users?count=100&cursor=');
    const firstCursor = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString('utf8')) as { k: string; t: number };
    // As a client following nextCursor would, carry the traversal's total from the first page.
    const cursorAt = (i: number) =>
      Buffer.from(JSON.stringify({ k: firstCursor.k, v: createdAtOf(i), i: generatedId(organization.id, i), t: firstCursor.t })).toString('base64url');

    // The Console's Users page: customers only, newest first, 25 a page, the attributes its table
    // shows (ui/src/console/pages/users/users-query.ts), paged by cursor.
    const consoleQuery = `/Users?filter=${q('userType eq "Customer"')}&sortBy=meta.created&sortOrder=descending&count=25&attributes=${q(
      'userName,name,displayName,active,groups,urn:scim:wso2:schema:accountState,urn:scim:wso2:schema:temporaryPassword',
    )}`;
    const consoleFirst = await get(`${consoleQuery}&cursor=`);
    const consoleCursor = JSON.parse(Buffer.from(consoleFirst.nextCursor!, 'base64url').toString('utf8')) as { k: string; t: number };
    const consoleCursorAt = (i: number) =>
      Buffer.from(JSON.stringify({ k: consoleCursor.k, v: createdAtOf(i), i: generatedId(organization.id, i), t: consoleCursor.t })).toString('base64url');

    const scenarios: Scenario[] = [
      {
        name: 'filter userName eq (one user)',
        target: 5,
        path: () => `/Users?filter=${q(`userName eq "${userNameOf(random(USERS))}"`)}`,
        check: (body) => {
          if (body.totalResults !== 1) throw new Error(`userName eq found ${body.totalResults}`);
        },
      },
      {
        name: 'filter emails co (one user)',
        target: 30,
        path: () => `/Users?filter=${q(`emails co "user${random(USERS)}@"`)}`,
        check: (body) => {
          if (body.totalResults !== 1) throw new Error(`emails co found ${body.totalResults}`);
        },
      },
      {
        name: 'filter name.familyName sw (3 letters, ~10,000 matches, page of 100)',
        target: 30,
        path: () => `/Users?count=100&filter=${q(`name.familyName sw "${FAMILY_NAMES[random(FAMILY_NAMES.length) - 1].slice(0, 3)}"`)}`,
        check: (body) => {
          if (body.Resources.length === 0) throw new Error('familyName sw found nothing');
        },
      },
      { name: 'cursor page of 100 at a random position', target: 10, path: () => `/Users?count=100&cursor=${cursorAt(random(USERS - 200))}` },
      { name: 'first page of 100 (cursor=, counts all users)', path: () => '/Users?count=100&cursor=' },
      {
        name: "Console's Users page: next page of 25 customers at a random position",
        target: 10,
        path: () => `${consoleQuery}&cursor=${consoleCursorAt(random(USERS - 200))}`,
        check: (body) => {
          if (body.Resources.length !== 25) throw new Error(`the Console page held ${body.Resources.length} users`);
        },
      },
      { name: "Console's Users page: first page of 25 customers (counts them)", path: () => `${consoleQuery}&cursor=` },
      { name: 'index page of 100 at a random startIndex (for comparison)', path: () => `/Users?count=100&startIndex=${random(USERS - 100)}` },
    ];

    const results: string[] = [];
    let peakRss = rssMiB(server.pid);
    const rssAtStart = peakRss;
    for (const scenario of scenarios) {
      const p50s: number[] = [];
      const p95s: number[] = [];
      const requests = scenario.name.startsWith('index') ? Math.min(REQUESTS, 20) : REQUESTS;
      for (let round = 0; round < ROUNDS; round += 1) {
        const latencies: number[] = [];
        for (let n = 0; n < requests; n += 1) {
          const path = scenario.path(n);
          const started = performance.now();
          const body = await get(path);
          latencies.push(performance.now() - started);
          scenario.check?.(body);
          if (n % 25 === 0) peakRss = Math.max(peakRss, rssMiB(server.pid));
        }
        latencies.sort((a, b) => a - b);
        p50s.push(percentileOfSorted(latencies, 50));
        p95s.push(percentileOfSorted(latencies, 95));
      }
      const verdict = scenario.target === undefined ? '' : median(p95s) < scenario.target ? ` (target < ${scenario.target} ms: met)` : ` (target < ${scenario.target} ms: MISSED)`;
      const line = `${scenario.name}: p50 ${fixed(median(p50s), 2)} ms, p95 ${fixed(median(p95s), 2)} ms${verdict}; rounds p95 [${p95s.map((v) => fixed(v, 1)).join(', ')}]`;
      console.log(line);
      results.push(line);
    }
    console.log(`server RSS: ${fixed(rssAtStart, 0)} MiB after start-up, peak ${fixed(peakRss, 0)} MiB during the run`);
  } finally {
    await server.stop();
  }
}

await main();
