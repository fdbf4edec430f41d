// Export at a million users on PostgreSQL: rows per second of the users export
// (GET /server/v1/users/export, CSV and JSON Lines) against a real server process, beside the
// alternative a client has without it (following SCIM nextCursor through /Users, 1,000 a page),
// in the same run, alternating, several rounds; and the server's memory while it streams.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres USERS=1000000 ROUNDS=3 npm run bench:export
//
// The body is read as it arrives and only counted, so the client's memory is not the measure.
// RSS is sampled every 200 ms during each export: "flat" means the peak stays near the start,
// whatever the number of rows.

import { fixed, freePort, machineInfo, median, positiveInteger, printMachine, startServerProcess } from './support.ts';
import { BENCH_HANDLE, benchToken, ensureMillionUsers, requiredDatabaseUrl, rssMiB } from './million-users.ts';

const USERS = positiveInteger('USERS', process.env.USERS, 1_000_000);
const ROUNDS = positiveInteger('ROUNDS', process.env.ROUNDS, 3);

interface Run {
  rows: number;
  seconds: number;
  peakRssMiB: number;
  /** The server's RSS when a quarter, half, three quarters and all of the rows had arrived. */
  rssByProgress?: number[];
}

/** Samples a process's RSS until stopped; answers the peak. */
function rssSampler(pid: number) {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 200);
  return () => (clearInterval(timer), Math.max(peak, rssMiB(pid)));
}

async function timeExport(serverUrl: string, token: string, pid: number, format: 'csv' | 'jsonl', expected: number): Promise<Run> {
  const stop = rssSampler(pid);
  const started = performance.now();
  const response = await fetch(`${serverUrl}/t/${BENCH_HANDLE}/api/server/v1/users/export?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`export: ${response.status} ${await response.text()}`);
  let newlines = 0;
  const rssByProgress: number[] = [];
  for await (const chunk of response.body!) {
    const bytes = chunk as Uint8Array;
    for (let i = 0; i < bytes.length; i += 1) if (bytes[i] === 10) newlines += 1;
    if (newlines >= ((rssByProgress.length + 1) * expected) / 4) rssByProgress.push(rssMiB(pid));
  }
  const seconds = (performance.now() - started) / 1000;
  // CSV has a header line (and no field of the generated users holds a line break).
  return { rows: format === 'csv' ? newlines - 1 : newlines, seconds, peakRssMiB: stop(), rssByProgress };
}

async function timeScimTraversal(serverUrl: string, token: string, pid: number): Promise<Run> {
  const stop = rssSampler(pid);
  const started = performance.now();
  let rows = 0;
  let cursor = '';
  for (;;) {
    const response = await fetch(`${serverUrl}/t/${BENCH_HANDLE}/scim2/Users?count=1000&sortBy=meta.created&cursor=${cursor}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`SCIM page: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { Resources: unknown[]; nextCursor?: string | null };
    rows += page.Resources.length;
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { rows, seconds: (performance.now() - started) / 1000, peakRssMiB: stop() };
}

const spread = (values: number[]) => `median ${fixed(median(values), 0)}, min ${fixed(Math.min(...values), 0)}, max ${fixed(Math.max(...values), 0)}`;

async function main() {
  printMachine(machineInfo());
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const setup = await ensureMillionUsers(requiredDatabaseUrl('bench/export.ts'), USERS, publicUrl);
  console.log(`organization ${BENCH_HANDLE}: ${setup.total} users; ${ROUNDS} rounds`);
  const server = await startServerProcess(port, { DATABASE_URL: setup.url, PUBLIC_URL: publicUrl });
  try {
    const token = await benchToken(server.url, setup, 'internal_user_mgt_list');
    const rssAtStart = rssMiB(server.pid);
    const kinds = ['csv', 'jsonl', 'scim'] as const;
    const rates: Record<(typeof kinds)[number], number[]> = { csv: [], jsonl: [], scim: [] };
    const peaks: Record<(typeof kinds)[number], number[]> = { csv: [], jsonl: [], scim: [] };
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotate the order each round so that neither side always runs on a warmer cache.
      const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]);
      const perRound: Partial<Record<(typeof kinds)[number], number>> = {};
      for (const kind of order) {
        const run = kind === 'scim' ? await timeScimTraversal(server.url, token, server.pid) : await timeExport(server.url, token, server.pid, kind, setup.total);
        if (run.rows !== setup.total) throw new Error(`${kind} returned ${run.rows} rows of ${setup.total}`);
        const rate = run.rows / run.seconds;
        rates[kind].push(rate);
        peaks[kind].push(run.peakRssMiB);
        perRound[kind] = rate;
        console.log(`round ${round + 1} ${kind}: ${run.rows} rows in ${fixed(run.seconds, 1)} s = ${fixed(rate, 0)} rows/s, server RSS peak ${fixed(run.peakRssMiB, 0)} MiB${run.rssByProgress ? `, at 25/50/75/100% of the rows ${run.rssByProgress.map((v) => fixed(v, 0)).join('/')} MiB` : ''}`);
      }
      ratios.push(perRound.csv! / perRound.scim!);
    }
    console.log('');
    console.log(`users export, CSV: rows/s ${spread(rates.csv)}; RSS peak MiB ${spread(peaks.csv)}`);
    console.log(`users export, JSON Lines: rows/s ${spread(rates.jsonl)}; RSS peak MiB ${spread(peaks.jsonl)}`);
    console.log(`SCIM /Users cursor traversal, 1,000 a page: rows/s ${spread(rates.scim)}; RSS peak MiB ${spread(peaks.scim)}`);
    console.log(`CSV export / SCIM traversal, per round: [${ratios.map((r) => fixed(r, 2)).join(', ')}], median ${fixed(median(ratios), 2)}`);
    console.log(`server RSS after start-up ${fixed(rssAtStart, 0)} MiB, at the end ${fixed(rssMiB(server.pid), 0)} MiB`);
  } finally {
    await server.stop();
  }
}

await main();
