// One thread of the hashing pool (security/argon2-threads.ts). It derives argon2id tags
// synchronously, on this thread, at a lower CPU priority. Linux gives every thread its own nice
// value, so only this thread yields: while the event loop has work (health probes, static files,
// other requests), the scheduler gives it about nine tenths of a contended core, and hashing the
// rest. When the server is otherwise idle, hashing runs at full speed.
//
// Why 10 and not the lowest (19): at 19 a hashing thread gets under 2% of a core that any other
// process wants, so on a busy host (PostgreSQL on the same machine, a neighbour) sign-ins would
// all but stop, each holding its admission turn (routes/admission.ts) while it waits.

import crypto from 'node:crypto';
import os from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** An unprivileged thread may always lower its own priority (raise its nice value). */
export const HASHING_THREAD_NICE = 10;

// Only ever on a worker thread: imported by the main thread (its types, a test), it must not
// lower the event loop's own priority.
if (!isMainThread) {
  try {
    os.setPriority(HASHING_THREAD_NICE);
  } catch {
    // Some platforms refuse per-thread priorities; hashing then competes as it did on libuv.
  }
}

export interface Argon2Task {
  message: Uint8Array;
  nonce: Uint8Array;
  memory: number;
  passes: number;
  parallelism: number;
  tagLength: number;
}

/** Piscina's entry point: one task is one argon2id derivation. */
export default function deriveArgon2id(task: Argon2Task): Uint8Array {
  return crypto.argon2Sync('argon2id', task);
}
