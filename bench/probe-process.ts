// Probes URLs from a process of its own, so that the latencies it reports are the server's and
// the machine's, not those of the load generator's event loop (bench/health-under-burst.ts runs
// 200 sign-in clients in its own process). Each URL is asked one request at a time, all URLs at
// once, for the given time; the result is one JSON line on stdout: { name: { p50, p95, count } }.
//
//   node bench/probe-process.ts <ms> <name>=<url> [<name>=<url> ...]

import { percentileOfSorted } from './support.ts';

async function probe(url: string, ms: number): Promise<{ p50: number; p95: number; count: number }> {
  const samples: number[] = [];
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentileOfSorted(samples, 50), p95: percentileOfSorted(samples, 95), count: samples.length };
}

const [ms, ...targets] = process.argv.slice(2);
const entries = targets.map((target) => target.split(/=(.*)/s, 2) as [string, string]);
const results = await Promise.all(entries.map(async ([name, url]) => [name, await probe(url, Number(ms))] as const));
process.stdout.write(`${JSON.stringify(Object.fromEntries(results))}\n`);
