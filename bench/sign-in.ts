// Complete browserless sign-in flows per second against argon2id hashes per second, measured
// side by side in one run on one machine.
//
// One flow is what a single-page application and its user do, minus the browser:
//   GET  /t/{org}/oauth2/authorize (public client, PKCE S256)       -> 303 to the sign-in page
//   GET  /t/{org}/login/{uid}                                       -> 200, hidden `csrf` field
//   POST /t/{org}/login/{uid} (email, password, csrf; urlencoded)   -> 303 back to the provider
//   GET  /t/{org}/oauth2/authorize/{uid} (and any further hops)     -> 303 to redirect_uri?code=
//   POST /t/{org}/oauth2/token (code, code_verifier)                -> 200 with the tokens
// Cookies (with their `.sig` companions and paths) are kept by hand, one jar per flow.
//
// The server runs in this process with the production password hasher (openSystem's defaults)
// on a free loopback port, or with --server child as src/main.ts in a child process (then the
// server's own CPU is measured apart from the client's). Each round measures hashes/s
// (createPasswordHasher().hash at the given concurrency) and flows/s at the same concurrency,
// one right after the other (in alternating order), so the ratio compares figures taken
// seconds apart on the same noisy machine; the medians are over the rounds.
//
// Each measurement also records the cores each thread group used (from /proc), so the run
// reports the CPU one hash and one flow cost: on a CPU-bound machine the ratio of those costs
// is what flows/hashes tends to, whatever else is running.
//
//   npm run bench:sign-in -- [--concurrency 4] [--seconds 8] [--rounds 5] [--warmup 3] [--server inprocess|child]
//     [--cpu-prof-dir DIR] [--json] [--trace]
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:sign-in
//   npm run bench:sign-in -- --sqlite-synchronous NORMAL   (an experiment, not the product)
//
// Without DATABASE_URL it uses a SQLite file in a fresh temporary DATA_DIR; with it, a fresh
// schema that is dropped at the end.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/database.ts';
import type { FastifyInstance } from 'fastify';
import { openSystem, type System } from '../src/system.ts';
import { buildApp } from '../src/app.ts';
import { createPasswordHasher, OWASP_ARGON2ID } from '../src/security/password-hasher.ts';
import { SYSTEM_CONTEXT } from '../src/services/request-context.ts';
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
  positiveInteger,
  postgresBackendTracker,
  printMachine,
  startServerProcess,
  tableAccesses,
  type ServerProcess,
  threadCpuSeconds,
  withCleanup,
} from './support.ts';
import { createClient, EMAIL, ORG, PASSWORD, REDIRECT_URI } from './sign-in-client.ts';

// ---------------------------------------------------------------------------------------------
// Measuring

interface Measured {
  completed: number;
  seconds: number;
  perSecond: number;
}

/**
 * Runs `concurrency` loops of `work` for `seconds` (no new work starts after that), and
 * counts the completed units over the time until the last one finished.
 */
async function measure(concurrency: number, seconds: number, work: () => Promise<unknown>): Promise<Measured> {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let completed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await work();
        completed++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { completed, seconds: elapsed, perSecond: completed / elapsed };
}

// ---------------------------------------------------------------------------------------------
// Main

const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    json: { type: 'boolean', default: false },
    /** Print the first flow's requests, statuses and cookies. */
    trace: { type: 'boolean', default: false },
    /** Experiment: SQLite's PRAGMA synchronous (FULL, as src/ leaves it, or NORMAL). */
    'sqlite-synchronous': { type: 'string' },
    /** `inprocess` (default): openSystem + buildApp here; `child`: src/main.ts in a child process. */
    server: { type: 'string', default: 'inprocess' },
    /** With --server child: the server writes a V8 CPU profile there (see bench/profile-summary.ts). */
    'cpu-prof-dir': { type: 'string' },
  },
  strict: true,
});
const concurrency = positiveInteger('concurrency', args.concurrency, 4);
const seconds = positiveInteger('seconds', args.seconds, 8);
const rounds = positiveInteger('rounds', args.rounds, 5);
const warmupSeconds = positiveInteger('warmup', args.warmup, 3);
const serverMode = args.server;
if (serverMode !== 'inprocess' && serverMode !== 'child') throw new Error('--server takes inprocess or child');
if (args['cpu-prof-dir'] && serverMode !== 'child') throw new Error('--cpu-prof-dir is for --server child (in-process, run node --cpu-prof instead)');
const synchronous = args['sqlite-synchronous']?.toUpperCase();
if (synchronous && (!['OFF', 'NORMAL', 'FULL', 'EXTRA'].includes(synchronous) || process.env.DATABASE_URL || serverMode === 'child')) {
  throw new Error('--sqlite-synchronous takes OFF, NORMAL, FULL or EXTRA, and only on SQLite (no DATABASE_URL) with the server in-process');
}

const machine = machineInfo();
const database = await createBenchDatabase();
const log = (line: string) => process.stderr.write(`${line}\n`);

await withCleanup(
  () => database.drop(),
  async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = { ...database.env, PUBLIC_URL: baseUrl, PORT: String(port), LOG_LEVEL: 'silent' };
    const config = loadConfig(env);
    // Default options: the production hasher, migrations at start-up, the database as
    // src/db/database.ts opens it.
    let system: System;
    if (synchronous) {
      // Experiment only: the same system over a SQLite connection with another `synchronous`.
      const db = createDatabase({ dataDir: config.dataDir });
      await sql.raw(`PRAGMA synchronous = ${synchronous}`).execute(db);
      system = await openSystem(config, { db });
    } else {
      system = await openSystem(config);
    }
    const { organization } = await system.services.organizations.createOrganization(
      { handle: ORG, displayName: 'Bench', ownerEmail: EMAIL, ownerPassword: PASSWORD },
      SYSTEM_CONTEXT,
    );
    const { application } = await system.services.applications.createApplication(
      organization.id,
      { name: 'Bench SPA', type: 'spa', redirectUris: [REDIRECT_URI] },
      SYSTEM_CONTEXT,
    );

    let app: FastifyInstance | undefined;
    let child: ServerProcess | undefined;
    if (serverMode === 'child') {
      await system.close();
      child = await startServerProcess(port, env, { cpuProfDir: args['cpu-prof-dir'] && path.resolve(args['cpu-prof-dir']) });
    } else {
      app = await buildApp(system, { logger: false });
      await app.listen({ port, host: '127.0.0.1' });
    }
    const client = createClient(baseUrl, concurrency * 2);
    const postgres = await postgresBackendTracker(database);
    let closed = false;
    const shutdown = async () => {
      if (closed) return;
      closed = true;
      await postgres.close();
      client.agent.destroy();
      if (child) await child.stop();
      if (app) {
        await app.close();
        await system.close();
      }
    };
    try {
      const hasher = createPasswordHasher();
      const params = OWASP_ARGON2ID;

      printMachine(machine, log);
      log(`server ${serverMode === 'child' ? `src/main.ts in a child process (pid ${child!.pid})` : 'in this process (openSystem + buildApp)'} at ${baseUrl}`);
      log(`database ${database.description}${synchronous ? `, EXPERIMENT: PRAGMA synchronous = ${synchronous}` : ''}`);
      log(`argon2id m=${params.memory} KiB, t=${params.passes}, p=${params.parallelism}; concurrency ${concurrency}; ${rounds} rounds of ${seconds} s hashing and ${seconds} s flows; warm-up ${warmupSeconds} s`);

      const requestsPerFlow = await client.signIn(application.id, args.trace ? log : undefined);
      log(`one flow = ${requestsPerFlow} HTTP requests; warming up`);
      await measure(concurrency, warmupSeconds, () => client.signIn(application.id));
      await measure(concurrency, Math.min(warmupSeconds, 2), () => hasher.hash(PASSWORD));

      // Cores used while measuring: the threads of this process (in-process, its main thread
      // runs the server and the client; argon2id runs on the libuv pool), of the server process
      // when there is one, and, on PostgreSQL, the backends serving this run.
      const cpuSources = () => ({
        ...(child && threadCpuSeconds(child.pid, 'server ')),
        ...threadCpuSeconds(process.pid, child ? 'bench ' : ''),
        ...(database.engine === 'postgresql' && { postgres: postgres.seconds() }),
      });
      const serverMainThread = child ? 'server main thread' : 'main thread';
      const serverPool = child ? 'server libuv pool' : 'libuv pool';
      /** Cores used by this benchmark's own processes and PostgreSQL, not by the rest of the machine. */
      const ours = (cores: Record<string, number>) =>
        Object.entries(cores).reduce((sum, [name, value]) => (name.startsWith('machine') || name === 'everything else' ? sum : sum + value), 0);
      const results: {
        hashesPerSecond: number;
        flowsPerSecond: number;
        ratio: number;
        hashes: number;
        flows: number;
        coresHashing: Record<string, number>;
        coresFlows: Record<string, number>;
      }[] = [];
      for (let round = 1; round <= rounds; round++) {
        const measureHashes = async () => {
          await postgres.refresh();
          const meter = cpuMeter(cpuSources);
          const measured = await measure(concurrency, seconds, () => hasher.hash(PASSWORD));
          return { measured, cores: meter.stop() };
        };
        const measureFlows = async () => {
          await postgres.refresh();
          const meter = cpuMeter(cpuSources);
          const measured = await measure(concurrency, seconds, () => client.signIn(application.id));
          return { measured, cores: meter.stop() };
        };
        // Odd rounds hash first, even rounds sign in first, so a drift in the machine's other
        // load does not always favour the same side.
        let hashing, signingIn;
        if (round % 2 === 1) {
          hashing = await measureHashes();
          signingIn = await measureFlows();
        } else {
          signingIn = await measureFlows();
          hashing = await measureHashes();
        }
        const { measured: hashes, cores: coresHashing } = hashing;
        const { measured: flows, cores: coresFlows } = signingIn;
        const ratio = flows.perSecond / hashes.perSecond;
        results.push({ hashesPerSecond: hashes.perSecond, flowsPerSecond: flows.perSecond, ratio, hashes: hashes.completed, flows: flows.completed, coresHashing, coresFlows });
        log(
          `round ${round}: ${fixed(hashes.perSecond)} hashes/s (${hashes.completed} in ${fixed(hashes.seconds, 2)} s), ` +
            `${fixed(flows.perSecond)} flows/s (${flows.completed} in ${fixed(flows.seconds, 2)} s), flows/hashes ${fixed(ratio, 2)}`,
        );
        log(`  cores while hashing: ${formatCores(coresHashing)}`);
        log(`  cores during flows:  ${formatCores(coresFlows)}`);
      }
      const medianCores = (pick: (r: (typeof results)[number]) => Record<string, number>) =>
        Object.fromEntries(Object.keys(pick(results[0])).map((k) => [k, median(results.map((r) => pick(r)[k]))]));

      // On PostgreSQL, what one flow costs the database, from the run schema's statistics
      // (flushed when the server's sessions end).
      await shutdown();
      const perFlow = accessesPer(await tableAccesses(database), client.completed);

      const summary = {
        benchmark: 'sign-in',
        engine: database.engine,
        ...(synchronous && { experimentSqliteSynchronous: synchronous }),
        concurrency,
        seconds,
        rounds,
        requestsPerFlow,
        server: serverMode,
        machine,
        tablesPerFlow: perFlow,
        median: {
          hashesPerSecond: median(results.map((r) => r.hashesPerSecond)),
          flowsPerSecond: median(results.map((r) => r.flowsPerSecond)),
          ratio: median(results.map((r) => r.ratio)),
          coresHashing: medianCores((r) => r.coresHashing),
          coresFlows: medianCores((r) => r.coresFlows),
          cpuMsPerHash: median(results.map((r) => (ours(r.coresHashing) / r.hashesPerSecond) * 1000)),
          cpuMsPerFlow: median(results.map((r) => (ours(r.coresFlows) / r.flowsPerSecond) * 1000)),
          hashCpuMsPerFlow: median(results.map((r) => (r.coresFlows[serverPool] / r.flowsPerSecond) * 1000)),
          mainThreadCpuMsPerFlow: median(results.map((r) => (r.coresFlows[serverMainThread] / r.flowsPerSecond) * 1000)),
          postgresCpuMsPerFlow: median(results.map((r) => ((r.coresFlows.postgres ?? 0) / r.flowsPerSecond) * 1000)),
        },
        perRound: results,
      };
      const met = summary.median.ratio >= 0.5;
      log(
        `median of ${rounds} rounds: ${fixed(summary.median.hashesPerSecond)} hashes/s, ${fixed(summary.median.flowsPerSecond)} flows/s, ` +
          `flows/hashes ${fixed(summary.median.ratio, 2)} (target >= 0.50: ${met ? 'met' : 'MISSED'})`,
      );
      log(`  median cores while hashing: ${formatCores(summary.median.coresHashing)}`);
      log(`  median cores during flows:  ${formatCores(summary.median.coresFlows)}`);
      log(
        `  CPU per hash: ${fixed(summary.median.cpuMsPerHash)} ms; CPU per flow: ${fixed(summary.median.cpuMsPerFlow)} ms in all ` +
          `(${fixed(summary.median.hashCpuMsPerFlow)} ms argon2id on the libuv pool, ${fixed(summary.median.mainThreadCpuMsPerFlow)} ms ` +
          `${child ? 'server' : 'server and client'} main thread${database.engine === 'postgresql' ? `, ${fixed(summary.median.postgresCpuMsPerFlow)} ms PostgreSQL` : ''}); ` +
          `cost ratio hash/flow ${fixed(summary.median.cpuMsPerHash / summary.median.cpuMsPerFlow, 2)}`,
      );
      if (perFlow.length) log(`  table accesses per flow (${client.completed} flows): ${formatAccesses(perFlow)}`);
      if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    } finally {
      await shutdown();
    }
  },
);
