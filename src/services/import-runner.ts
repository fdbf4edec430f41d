// Runs queued imports in the background: every instance runs one runner (main.ts starts it),
// and leases keep each import to one of them at a time (repos/import-repo.ts). A runner takes
// one import at a time to its end; a stopping runner hands its import back to the queue.

import crypto from 'node:crypto';
import type { ImportService } from './import-service.ts';

export interface ImportRunnerOptions {
  /** How long a claim holds an import without progress; a batch takes far less. */
  leaseMs?: number;
  /** Rows between progress records (and lease renewals). */
  batchSize?: number;
  /** Pause between looks when nothing was queued. */
  idleMs?: number;
}

export const IMPORT_RUNNER_DEFAULTS: Required<ImportRunnerOptions> = { leaseMs: 60_000, batchSize: 100, idleMs: 1_000 };

interface RunnerLog {
  warn(details: object, message: string): void;
}

export interface ImportRunner {
  /** Runs queued imports until none is left (tests, benchmarks). */
  drain(): Promise<number>;
  start(log?: RunnerLog): void;
  stop(): Promise<void>;
}

export function createImportRunner(imports: ImportService, overrides: ImportRunnerOptions = {}): ImportRunner {
  const options = { ...IMPORT_RUNNER_DEFAULTS, ...overrides };
  let running = false;
  let stopping = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  const runNext = () => imports.runNext(crypto.randomUUID(), { leaseMs: options.leaseMs, batchSize: options.batchSize, keepGoing: () => !stopping });

  return {
    async drain() {
      let count = 0;
      while (await runNext()) count += 1;
      return count;
    },
    start(log) {
      if (running) return;
      running = true;
      stopping = false;
      loop = (async () => {
        while (running) {
          let ran = false;
          try {
            ran = await runNext();
          } catch (error) {
            log?.warn({ err: error }, 'import run failed; it resumes when its lease runs out');
          }
          if (!ran && running) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, options.idleMs);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
          }
        }
      })();
    },
    async stop() {
      running = false;
      stopping = true;
      wake?.();
      await loop;
      loop = undefined;
    },
  };
}
