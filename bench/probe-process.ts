// Probes URLs from a process of its own, so that the latencies it reports are the server's and
// the machine's, not those of the load generator's event loop (bench/health-under-burst.ts runs
// 200 sign-in clients in its own process). Each URL is asked one request at a time, all URLs at
// once, for the given time. Two times per request: until the answer's headers arrive (the
// server answering) and until its body is read and decoded (with the transfer and the client's
// brotli decoding). The result is one JSON line on stdout:
// { name: { p50, p95, headersP50, headersP95, count } }.
//
//   node bench/probe-process.ts <ms> <name>=<url> [<name>=<url> ...]

import { percentileOfSorted } from './support.ts';

async function probe(url: string, ms: number) {
  const complete: number[] = [];
  const headers: number[] = [];
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const started = performance.now();
    const response = await fetch(url);
    headers.push(performance.now() - started);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    complete.push(performance.now() - started);
  }
  complete.sort((a, b) => a - b);
  headers.sort((a, b) => a - b);
  return {
    p50: percentileOfSorted(complete, 50),
    p95: percentileOfSorted(complete, 95),
    headersP50: percentileOfSorted(headers, 50),
    headersP95: percentileOfSorted(headers, 95),
    count: complete.length,
  };
}

const [ms, ...targets] = process.argv.slice(2);
const entries = targets.map((target) => target.split(/=(.*)/s, 2) as [string, string]);
const results = await Promise.all(entries.map(async ([name, url]) => [name, await probe(url, Number(ms))] as const));
process.stdout.write(`${JSON.stringify(Object.fromEntries(results))}\n`);
