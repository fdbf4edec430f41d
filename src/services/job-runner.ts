// Runs queued background jobs (imports, bulk actions): every instance runs one runner (main.ts
// starts it), and leases keep each job to one of them at a time (repos/job-repo.ts). A runner
// takes one job at a time to its end; a stopping runner hands its job back to the queue.

import crypto from 'node:crypto';
import type { BackgroundJobs } from './background-jobs.ts';
import { pollingLoop } from '../lib/polling-loop.ts';

export interface JobRunnerOptions {
  /** How long a claim holds a job without progress; a batch takes far less. */
  leaseMs?: number;
  /** Rows between progress records (and lease renewals). */
  batchSize?: number;
  /** Pause between looks when nothing was queued. */
  idleMs?: number;
  /** Pause between two batches of one job, so other work on a single connection gets its turn. */
  pauseBetweenBatchesMs?: number;
}

export const JOB_RUNNER_DEFAULTS: Required<JobRunnerOptions> = { leaseMs: 60_000, batchSize: 100, idleMs: 1_000, pauseBetweenBatchesMs: 0 };

/** On SQLite (one connection): a batch takes about 100 ms, so this leaves a third of the time to the rest. */
export const SQLITE_PAUSE_BETWEEN_BATCHES_MS = 50;

interface RunnerLog {
  warn(details: object, message: string): void;
}

export interface JobRunner {
  /** Runs queued jobs until none is left (tests, benchmarks); the number run. */
  drain(): Promise<number>;
  start(log?: RunnerLog): void;
  stop(): Promise<void>;
}

export function createJobRunner(jobs: BackgroundJobs, overrides: JobRunnerOptions = {}): JobRunner {
  const options = { ...JOB_RUNNER_DEFAULTS, ...overrides };
  let stopping = false;
  let log: RunnerLog | undefined;
  const runNext = () =>
    jobs.runNext(crypto.randomUUID(), { leaseMs: options.leaseMs, batchSize: options.batchSize, keepGoing: () => !stopping, pauseBetweenBatchesMs: options.pauseBetweenBatchesMs });
  const loop = pollingLoop(runNext, { idleMs: options.idleMs, onError: (error) => log?.warn({ err: error }, 'background job failed; it resumes when its lease runs out') });

  return {
    async drain() {
      let count = 0;
      while (await runNext()) count += 1;
      return count;
    },
    start(startLog) {
      log = startLog ?? log;
      stopping = false;
      loop.start();
    },
    async stop() {
      // A job in progress is handed back at its next batch.
      stopping = true;
      await loop.stop();
    },
  };
}
