// Client-credentials tokens per second on PostgreSQL, with autocannon against
// POST /t/{org}/oauth2/token (HTTP Basic client authentication, grant_type=client_credentials,
// scope=internal_user_mgt_list), for one server process and for two server processes over the
// same database, measured side by side in each round.
//
// The servers are real `src/main.ts` processes (production configuration, LOG_LEVEL=warn) on
// free loopback ports; the organization and the m2m application are created with bin/tessera
// (`org create`, `app create --type m2m --scopes ...`). Two processes are two children on two
// ports, and autocannon splits its connections between the two URLs (what a load balancer
// in front of them would do). autocannon itself runs in this process, on the same 2 cores.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:client-credentials -- \
//     [--connections 16] [--seconds 10] [--rounds 3] [--warmup 3] [--processes 1,2] [--json] \
//     [--skip-baseline] [--cpu-prof-dir DIR]   (servers write V8 CPU profiles there; see
//     bench/profile-summary.ts)
//
// For scale, each round also measures two baselines on one process: GET /health/live (no
// database) and GET /health/ready (one small query).
//
// Each run uses a fresh schema (bench_<random>) in that database and drops it at the end.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import pg from 'pg';
import autocannon from 'autocannon';
import {
  accessesPer,
  cpuMeter,
  createBenchDatabase,
  fixed,
  formatAccesses,
  formatCores,
  freePort,
  machineInfo,
  median,
  percentileOfSorted,
  positiveInteger,
  postgresBackendTracker,
  printMachine,
  processCpuSeconds,
  PROJECT_ROOT,
  startServerProcess,
  tableAccesses,
  type ServerProcess,
  withCleanup,
} from './support.ts';

const run = promisify(execFile);

const ORG = 'bench';
const SCOPE = 'internal_user_mgt_list';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    processes: { type: 'string' },
    'cpu-prof-dir': { type: 'string' },
    /** Leave out the /health/live and /health/ready baselines. */
    'skip-baseline': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  strict: true,
});
const connections = positiveInteger('connections', args.connections, 16);
const seconds = positiveInteger('seconds', args.seconds, 10);
const rounds = positiveInteger('rounds', args.rounds, 3);
const warmupSeconds = positiveInteger('warmup', args.warmup, 3);
const processCounts = (args.processes ?? '1,2').split(',').map((p) => positiveInteger('processes', p.trim(), 1));
const profileDir = args['cpu-prof-dir'] && path.resolve(args['cpu-prof-dir']);
const log = (line: string) => process.stderr.write(`${line}\n`);

if (!process.env.DATABASE_URL) {
  log('bench:client-credentials runs on PostgreSQL: set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Servers

const startServer = (port: number, env: Record<string, string>) => startServerProcess(port, env, { cpuProfDir: profileDir });

async function tessera(env: Record<string, string>, ...argv: string[]): Promise<Record<string, string>> {
  const { stdout } = await run(path.join(PROJECT_ROOT, 'bin/tessera'), [...argv, '--json'], { env: { ...process.env, ...env }, cwd: PROJECT_ROOT });
  return JSON.parse(stdout) as Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Load

interface Target {
  /** What is measured: `token`, or a baseline route. */
  kind: string;
  urls: string[];
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

interface LoadResult {
  kind: string;
  processes: number;
  perSecond: number;
  ok: number;
  failed: number;
  seconds: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Average cores used during the run, by the servers, their PostgreSQL backends and autocannon (this process). */
  cores: Record<string, number>;
}

async function load(target: Target, duration: number): Promise<LoadResult> {
  const latencies: number[] = [];
  await postgres?.refresh();
  const meter = cpuMeter(() => {
    const usage = process.cpuUsage();
    return {
      servers: servers.reduce((sum, s) => sum + processCpuSeconds(s.pid), 0),
      postgres: postgres?.seconds() ?? 0,
      autocannon: (usage.user + usage.system) / 1e6,
    };
  });
  const instance = autocannon({
    url: target.urls.length === 1 ? target.urls[0] : target.urls,
    connections,
    pipelining: 1,
    duration,
    timeout: 10,
    method: target.method,
    headers: target.headers,
    body: target.body,
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  const cores = meter.stop();
  const sorted = Float64Array.from(latencies).sort();
  return {
    kind: target.kind,
    processes: target.urls.length,
    perSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    seconds: result.duration,
    latencyMs: {
      p50: percentileOfSorted(sorted, 50),
      p95: percentileOfSorted(sorted, 95),
      p99: percentileOfSorted(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    },
    cores,
  };
}

const processes = (n: number) => `${n} process${n > 1 ? 'es' : ''}`;

function describe(result: LoadResult): string {
  const l = result.latencyMs;
  return (
    `${result.kind}, ${processes(result.processes)}: ${fixed(result.perSecond)}/s (${result.ok} in ${fixed(result.seconds, 2)} s, ${result.failed} failed); ` +
    `latency p50 ${fixed(l.p50)} ms, p95 ${fixed(l.p95)} ms, p99 ${fixed(l.p99)} ms, max ${fixed(l.max)} ms\n  cores: ${formatCores(result.cores)}`
  );
}

// ---------------------------------------------------------------------------------------------
// Main

const machine = machineInfo();
const database = await createBenchDatabase();
const servers: ServerProcess[] = [];
let postgres: Awaited<ReturnType<typeof postgresBackendTracker>> | undefined;

await withCleanup(
  async () => {
    await postgres?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
  },
  async () => {
    const ports = [];
    for (let i = 0; i < Math.max(...processCounts); i++) ports.push(await freePort());
    // Every process answers for the same public URL, as instances behind one load balancer do.
    const env = { ...database.env, PUBLIC_URL: `http://127.0.0.1:${ports[0]}` };

    await tessera(env, 'org', 'create', '--handle', ORG, '--name', 'Bench', '--owner-email', 'owner@bench.test', '--owner-password', 'correct horse battery staple 42');
    const app = await tessera(env, 'app', 'create', '--org', ORG, '--name', 'Bench M2M', '--type', 'm2m', '--scopes', SCOPE);
    const authorization = `Basic ${Buffer.from(`${encodeURIComponent(app.client_id)}:${encodeURIComponent(app.client_secret)}`).toString('base64')}`;

    for (const port of ports) servers.push(await startServer(port, env));
    postgres = await postgresBackendTracker(database);
    const tokenUrls = servers.map((s) => `${s.url}/t/${ORG}/oauth2/token`);

    // One token by hand from each process: the figures count only what a client could use.
    for (const url of tokenUrls) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }),
      });
      const body = (await response.json()) as { access_token?: string; token_type?: string; scope?: string };
      if (response.status !== 200 || !body.access_token || body.token_type !== 'Bearer' || body.scope !== SCOPE) {
        throw new Error(`token check at ${url}: ${response.status} ${JSON.stringify(body)}`);
      }
    }

    printMachine(machine, log);
    log(`database ${database.description}`);
    log(
      `${connections} connections, ${rounds} rounds of ${seconds} s per configuration (tokens on ${processCounts.map(processes).join(', ')}` +
        `${args['skip-baseline'] ? '' : '; baselines on 1 process'}); warm-up ${warmupSeconds} s` +
        `${profileDir ? `; CPU profiles to ${profileDir}` : ''}`,
    );
    const token = (count: number): Target => ({
      kind: 'token',
      urls: tokenUrls.slice(0, count),
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }).toString(),
    });
    // Baselines on one process, for scale: the cheapest route (no database) and the readiness
    // probe (one small query).
    const baselines: Target[] = args['skip-baseline']
      ? []
      : [
          { kind: 'GET /health/live', urls: [`${servers[0].url}/health/live`], method: 'GET' },
          { kind: 'GET /health/ready', urls: [`${servers[0].url}/health/ready`], method: 'GET' },
        ];
    await load(token(servers.length), warmupSeconds);

    const results: LoadResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      // Alternate the order from round to round, so a drift in the machine's other load does
      // not always favour the same configuration.
      const targets = [...processCounts.map(token), ...baselines];
      if (round % 2 === 0) targets.reverse();
      for (const target of targets) {
        const result = await load(target, seconds);
        results.push(result);
        log(`round ${round}, ${describe(result)}`);
        if (result.failed > 0) throw new Error(`${result.failed} requests failed: the figures would not count what a client could use`);
      }
    }

    // Stop the servers so their database sessions end and flush their statistics, then count
    // what the run did in its own schema: every 2xx is a stored token, and the table accesses
    // per token say how many queries a token costs.
    await Promise.all(servers.map((s) => s.stop()));
    const accesses = await tableAccesses(database);
    const client = new pg.Client({ connectionString: database.env.DATABASE_URL });
    await client.connect();
    const stored = Number((await client.query<{ n: string }>("select count(*) as n from oidc_payloads where model = 'ClientCredentials'")).rows[0].n);
    await client.end();
    // The readiness probe reads `organizations` once per request (its ping); take the baseline's
    // requests off, so what is left is what tokens did (a few start-up probes remain).
    const readyRequests = results.filter((r) => r.kind === 'GET /health/ready').reduce((sum, r) => sum + r.ok, 0);
    const perToken = accessesPer(
      accesses.map((a) => (a.table === 'organizations' ? { ...a, reads: Math.max(0, a.reads - readyRequests) } : a)),
      stored,
    );
    log(`client-credentials tokens stored in the run's schema: ${stored}`);
    log(`table accesses per token (PostgreSQL statistics of the run's schema): ${formatAccesses(perToken)}`);

    const medians = [...processCounts.map((count) => ({ kind: 'token', processes: count })), ...baselines.map((b) => ({ kind: b.kind, processes: 1 }))].map(
      ({ kind, processes: count }) => {
        const mine = results.filter((r) => r.kind === kind && r.processes === count);
        return {
          kind,
          processes: count,
          perSecond: median(mine.map((r) => r.perSecond)),
          latencyMs: {
            p50: median(mine.map((r) => r.latencyMs.p50)),
            p95: median(mine.map((r) => r.latencyMs.p95)),
            p99: median(mine.map((r) => r.latencyMs.p99)),
          },
          cores: Object.fromEntries(Object.keys(mine[0].cores).map((k) => [k, median(mine.map((r) => r.cores[k]))])),
          serverCpuMsPerRequest: median(mine.map((r) => (r.cores.servers / r.perSecond) * 1000)),
          postgresCpuMsPerRequest: median(mine.map((r) => (r.cores.postgres / r.perSecond) * 1000)),
        };
      },
    );
    const summary = { benchmark: 'client-credentials', connections, seconds, rounds, machine, tablesPerToken: perToken, median: medians, results };
    for (const m of medians) {
      const target = m.kind === 'token' ? ` (target >= 1000: ${m.perSecond >= 1000 ? 'met' : 'MISSED'})` : '';
      log(
        `median of ${rounds} rounds, ${m.kind}, ${processes(m.processes)}: ${fixed(m.perSecond)}/s${target}; ` +
          `latency p50 ${fixed(m.latencyMs.p50)} ms, p95 ${fixed(m.latencyMs.p95)} ms, p99 ${fixed(m.latencyMs.p99)} ms`,
      );
      log(`  cores: ${formatCores(m.cores)}; CPU per request: server ${fixed(m.serverCpuMsPerRequest, 2)} ms, PostgreSQL ${fixed(m.postgresCpuMsPerRequest, 2)} ms`);
    }
    if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  },
);
