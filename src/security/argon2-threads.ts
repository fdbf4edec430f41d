// The threads that run argon2id, shared by the whole process (like libuv's own thread pool).
//
// Why not crypto.argon2 on libuv's pool: its threads run at the event loop's priority, so on a
// small machine a burst of sign-ins takes the CPU from health probes and static files, which then
// wait tens of milliseconds behind hashing (docs/benchmarks.md §10). These threads lower their own
// priority (security/argon2-worker.ts), so the event loop is served first. Piscina manages the
// workers (start, reuse, replace one that dies); idle workers do not keep the process alive.

import { Piscina } from 'piscina';
import { HASHING_CONCURRENCY } from './bounded-hasher.ts';
import type { Argon2Task } from './argon2-worker.ts';

let threads: Piscina<Argon2Task, Uint8Array> | undefined;

function pool(): Piscina<Argon2Task, Uint8Array> {
  threads ??= new Piscina<Argon2Task, Uint8Array>({
    filename: new URL('./argon2-worker.ts', import.meta.url).href,
    // As many threads as hashes may run at once (security/bounded-hasher.ts); the bounded
    // hasher's queue is the one that waits, so this pool never queues much.
    minThreads: HASHING_CONCURRENCY,
    maxThreads: HASHING_CONCURRENCY,
  });
  return threads;
}

export async function deriveOnHashingThread(task: Argon2Task): Promise<Buffer> {
  const tag = await pool().run(task);
  return Buffer.from(tag.buffer, tag.byteOffset, tag.byteLength);
}
