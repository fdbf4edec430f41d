// Periodic clean-up that any number of instances may run at once: each step is an idempotent
// DELETE of rows that can no longer be used.

import type { System } from './system.ts';

const EVERY_MS = 10 * 60 * 1000;
export const IMPORT_UPLOAD_MAX_MS = 60 * 60 * 1000;
export const IMPORT_RESULTS_KEPT_MS = 30 * 24 * 60 * 60 * 1000;

export function startHousekeeping(system: System, onError: (error: unknown) => void): () => void {
  const sweep = async () => {
    try {
      await system.repos.oidcPayloads.deleteExpired(system.clock.now());
      // Idempotency keys are answered for 24 hours, then forgotten.
      await system.repos.idempotency.deleteExpired(system.clock.now());
      // A job whose rows were cut off an hour ago will not be queued; a finished job's results are kept 30 days.
      const now = system.clock.now().getTime();
      await system.repos.jobs.deleteStale(new Date(now - IMPORT_UPLOAD_MAX_MS), new Date(now - IMPORT_RESULTS_KEPT_MS));
    } catch (error) {
      onError(error);
    }
  };
  const timer = setInterval(sweep, EVERY_MS);
  // Never keep the process alive just for this.
  timer.unref();
  return () => clearInterval(timer);
}
