// Shared pieces of the benchmarks: a fresh database per run (a temporary SQLite directory, or
// a schema of its own in the PostgreSQL that DATABASE_URL names), the machine description
// recorded with the figures, free ports, and the statistics (medians, percentiles).

import crypto from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '../test/support/ports.ts';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

// ---------------------------------------------------------------------------------------------
// Database

export interface BenchDatabase {
  engine: 'sqlite' | 'postgresql';
  /** The run's own PostgreSQL schema. */
  schema?: string;
  /** The application_name of the run's connections (PostgreSQL), to find their backends. */
  applicationName?: string;
  /** DATABASE_URL as given, for the benchmark's own bookkeeping connections (PostgreSQL). */
  adminUrl?: string;
  /** Environment for loadConfig() and for child servers: DATA_DIR or DATABASE_URL. */
  env: Record<string, string>;
  /** What the figures were measured on, for the report (no credentials). */
  description: string;
  /** Removes the temporary directory or drops the schema. Safe to call twice. */
  drop(): Promise<void>;
}

/**
 * A clean, migrated database for one run. On PostgreSQL the run gets its own schema
 * (`bench_<random>`), reached through `search_path` in DATABASE_URL, and drops it at the end;
 * no other schema is touched.
 */
export async function createBenchDatabase(databaseUrl = process.env.DATABASE_URL): Promise<BenchDatabase> {
  if (!databaseUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
    let dropped = false;
    return {
      engine: 'sqlite',
      env: { DATA_DIR: dataDir },
      description: `SQLite (node:sqlite, WAL) in ${dataDir}`,
      async drop() {
        if (dropped) return;
        dropped = true;
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }

  const schema = `bench_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const version = (await admin.query<{ server_version: string }>('show server_version')).rows[0].server_version;
  await admin.query(`create schema ${schema}`);
  await admin.end();

  // Migrate with the schema named, so Kysely's bookkeeping tables are looked for in this
  // schema only (another schema's kysely_migration must not count as ours).
  const migrator = createDatabase({ databaseUrl, schema, poolSize: 1 });
  try {
    await migrateToLatest(migrator, schema);
  } finally {
    await migrator.destroy();
  }

  // The schema is chosen through search_path, and the connections are named after the run so
  // that their backends can be told apart from other people's on the shared database server.
  const applicationName = `tessera-${schema}`;
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', applicationName);
  let dropped = false;
  return {
    engine: 'postgresql',
    schema,
    applicationName,
    adminUrl: databaseUrl,
    env: { DATABASE_URL: url.href },
    description: `PostgreSQL ${version} at ${url.host}, schema ${schema}`,
    async drop() {
      if (dropped) return;
      dropped = true;
      const cleanup = new pg.Client({ connectionString: databaseUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** Runs `cleanup` once on normal exit, on an error, and on SIGINT/SIGTERM. */
export async function withCleanup<T>(cleanup: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: cleaning up\n`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Machine

export interface MachineInfo {
  date: string;
  nproc: number;
  memory: string;
  cpuModel: string;
  node: string;
  uvThreadpoolSize: string;
  loadAverage: string;
  /** The commit measured, and how many files under src/ differed from it (others edit src/). */
  revision: string;
}

export function machineInfo(): MachineInfo {
  let memory = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
  try {
    const free = execFileSync('free', ['-h'], { encoding: 'utf8' });
    const line = free.split('\n').find((l) => l.startsWith('Mem:'));
    if (line) memory = `${line.split(/\s+/)[1]} total (free -h)`;
  } catch {
    // `free` is missing: os.totalmem() will do.
  }
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) cpuModel = match[1].trim();
  } catch {
    // Not Linux.
  }
  let revision = 'unknown';
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    revision = `${commit}${changed ? ` with ${changed} uncommitted change(s) under src/` : ''}`;
  } catch {
    // Not a git checkout.
  }
  return {
    revision,
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    memory,
    cpuModel,
    node: process.version,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

export function printMachine(info: MachineInfo, out: (line: string) => void = console.log): void {
  out(`date ${info.date}`);
  out(`nproc ${info.nproc}; memory ${info.memory}; CPU ${info.cpuModel}; Node ${info.node}; UV_THREADPOOL_SIZE ${info.uvThreadpoolSize}`);
  out(`load average at start ${info.loadAverage}; revision ${info.revision}`);
}

// ---------------------------------------------------------------------------------------------
// Network


// ---------------------------------------------------------------------------------------------
// Server processes

export interface ServerProcess {
  port: number;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `src/main.ts` on the pinned Node (this process's) with `env` on `port`, and waits
 * until /health/ready answers. Its output goes to stderr, prefixed with its port.
 */
export async function startServerProcess(port: number, env: Record<string, string>, options: { cpuProfDir?: string } = {}): Promise<ServerProcess> {
  const execArgv = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...execArgv, path.join(PROJECT_ROOT, 'src/main.ts')], {
    cwd: PROJECT_ROOT,
    // Benchmarks send no real mail: the development mailbox, asked for explicitly (a server on
    // PostgreSQL refuses to start without SMTP_URL).
    env: { ...process.env, SMTP_URL: process.env.SMTP_URL ?? 'dev:', ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer) => `[server :${port}] ${chunk.toString('utf8').trimEnd().replaceAll('\n', `\n[server :${port}] `)}\n`;
  child.stdout!.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!running) throw new Error(`server on port ${port} exited during start-up`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server on port ${port} was not ready within 60 s`);
    }
    await sleep(100);
  }
  return {
    port,
    url,
    pid: child.pid!,
    async stop() {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile of already sorted values (p from 0 to 100). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive whole number (got "${value}")`);
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc): who used the 2 cores during a measurement

const TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)

/** utime, stime, cutime, cstime of a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file, in seconds. */
function readStat(file: string): { self: number; children: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // The process or thread is gone.
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is field 3, so field n is at index n - 3.
  const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]].map(Number);
  return { self: (utime + stime) / TICKS_PER_SECOND, children: (cutime + cstime) / TICKS_PER_SECOND };
}

/** CPU seconds of one process (all its threads), or 0 when it is gone. */
export function processCpuSeconds(pid: number): number {
  return readStat(`/proc/${pid}/stat`)?.self ?? 0;
}

/**
 * CPU seconds of a process's threads (this one's by default), grouped: the main (JavaScript)
 * thread, libuv's pool (argon2id runs there), and the rest (V8's GC and compiler threads).
 * `prefix` names the process in the keys.
 */
export function threadCpuSeconds(pid = process.pid, prefix = ''): Record<string, number> {
  const names = { main: `${prefix}main thread`, pool: `${prefix}libuv pool`, other: `${prefix}other threads` };
  const groups: Record<string, number> = { [names.main]: 0, [names.pool]: 0, [names.other]: 0 };
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return groups;
  }
  for (const tid of tids) {
    const seconds = readStat(`/proc/${pid}/task/${tid}/stat`)?.self ?? 0;
    let comm: string;
    try {
      comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    const group = Number(tid) === pid ? names.main : comm.startsWith('libuv-worker') ? names.pool : names.other;
    groups[group] += seconds;
  }
  return groups;
}

/**
 * CPU seconds of the PostgreSQL backends that serve this run, and only those: the database
 * server is shared, so other people's tests must not count. The run's connections carry an
 * application_name of their own (see createBenchDatabase); their backend pids are looked up
 * in pg_stat_activity every 250 ms and before each measurement (call `refresh()`), and a
 * backend that has exited keeps its last reading.
 */
export async function postgresBackendTracker(database: BenchDatabase) {
  const pids = new Set<number>();
  const lastSeconds = new Map<number, number>();
  if (database.engine !== 'postgresql') {
    return { refresh: async () => {}, seconds: () => 0, close: async () => {} };
  }
  const client = new pg.Client({ connectionString: database.adminUrl });
  await client.connect();
  let refreshing: Promise<void> | undefined;
  const refresh = () =>
    (refreshing ??= client
      .query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [database.applicationName])
      .then(({ rows }) => {
        for (const row of rows) pids.add(row.pid);
      })
      .finally(() => (refreshing = undefined)));
  const timer = setInterval(() => void refresh().catch(() => {}), 250);
  return {
    refresh,
    seconds(): number {
      for (const pid of pids) {
        const stat = readStat(`/proc/${pid}/stat`);
        if (stat) lastSeconds.set(pid, stat.self);
      }
      let total = 0;
      for (const value of lastSeconds.values()) total += value;
      return total;
    },
    async close() {
      clearInterval(timer);
      await refreshing?.catch(() => {});
      await client.end();
    },
  };
}

/** Busy, steal and total CPU seconds of the whole machine, from /proc/stat. */
export function machineCpuSeconds(): { busy: number; steal: number; total: number } {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { busy: (total - idle - iowait - steal) / TICKS_PER_SECOND, steal: steal / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
  } catch {
    return { busy: 0, steal: 0, total: 0 };
  }
}

/**
 * Measures, from the call to stop(), how many cores each named source used on average
 * (CPU seconds over wall seconds), with the whole machine's busy and steal time, and what
 * the named sources do not account for ("everything else"), for context.
 */
export function cpuMeter(sources: () => Record<string, number>) {
  const before = { at: performance.now(), sources: sources(), machine: machineCpuSeconds() };
  return {
    stop(): Record<string, number> {
      const wall = (performance.now() - before.at) / 1000;
      const after = sources();
      const machine = machineCpuSeconds();
      const cores: Record<string, number> = {};
      for (const [name, seconds] of Object.entries(after)) cores[name] = (seconds - (before.sources[name] ?? 0)) / wall;
      const machineWall = machine.total - before.machine.total || 1;
      const nproc = os.availableParallelism();
      const ours = Object.values(cores).reduce((sum, value) => sum + value, 0);
      cores['machine busy'] = ((machine.busy - before.machine.busy) / machineWall) * nproc;
      // Whatever else ran on the machine meanwhile (other people's tests, the kernel's share).
      cores['everything else'] = Math.max(0, cores['machine busy'] - ours);
      cores['machine steal'] = ((machine.steal - before.machine.steal) / machineWall) * nproc;
      return cores;
    },
  };
}

export function formatCores(cores: Record<string, number>): string {
  return Object.entries(cores)
    .map(([name, value]) => `${name} ${value.toFixed(2)}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL table statistics of a run's schema

export interface TableAccesses {
  table: string;
  reads: number;
  inserts: number;
  updates: number;
  deletes: number;
}

/**
 * Table accesses in the run's schema (pg_stat_user_tables: sequential and index scans, rows
 * inserted, updated, deleted). Sessions flush their statistics when they end, so close the
 * servers' pools first.
 */
export async function tableAccesses(database: BenchDatabase): Promise<TableAccesses[]> {
  if (database.engine !== 'postgresql') return [];
  await sleep(500);
  const client = new pg.Client({ connectionString: database.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ relname: string; reads: string; inserts: string; updates: string; deletes: string }>(
      `select relname, seq_scan + coalesce(idx_scan, 0) as reads, n_tup_ins as inserts, n_tup_upd as updates, n_tup_del as deletes
         from pg_stat_user_tables where schemaname = $1 order by relname`,
      [database.schema],
    );
    return rows.map((r) => ({ table: r.relname, reads: Number(r.reads), inserts: Number(r.inserts), updates: Number(r.updates), deletes: Number(r.deletes) }));
  } finally {
    await client.end();
  }
}

/** Accesses per unit of work (a token, a flow), leaving out tables only set-up touched. */
export function accessesPer(accesses: TableAccesses[], units: number): TableAccesses[] {
  return accesses
    .map((a) => ({ table: a.table, reads: a.reads / units, inserts: a.inserts / units, updates: a.updates / units, deletes: a.deletes / units }))
    .filter((a) => a.reads + a.inserts + a.updates + a.deletes >= 0.05);
}

export function formatAccesses(accesses: TableAccesses[]): string {
  return accesses
    .map((a) => {
      const parts = [`${fixed(a.reads, 2)} reads`];
      if (a.inserts) parts.push(`${fixed(a.inserts, 2)} inserts`);
      if (a.updates) parts.push(`${fixed(a.updates, 2)} updates`);
      if (a.deletes) parts.push(`${fixed(a.deletes, 2)} deletes`);
      return `${a.table} ${parts.join(', ')}`;
    })
    .join('; ');
}

export { freePort };

/** An SMTP server on a loopback port that accepts every mail and discards it, counting them. */
export async function startSmtpSink(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  const port = await freePort();
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { url: `smtp://127.0.0.1:${port}`, received: () => received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
