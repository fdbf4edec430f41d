// Admission control: at most ADMITTED_REQUESTS requests at once do the server's real work
// (sign-in flows, tokens, SCIM, the management API); the rest wait their turn in a bounded queue,
// and past it are turned away at once with 429 and Retry-After (docs/operations.md).
//
// Why: Node serves every request on one event loop, first come first served. Under a burst of
// 200 sign-ins the loop held hundreds of requests' worth of work, and a health probe or a
// Console script arriving behind them waited for all of it: /health/live p95 ~60 ms, static files
// over a second, while a bare process on the same machine answered in 3 ms (docs/benchmarks.md
// §10). With the work bounded, what is in the loop at any moment is bounded too, so the requests
// that are never queued (health probes and static files: what orchestrators and browsers must
// get at once) answer in milliseconds. A queued request costs a pending promise, nothing more.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import pLimit from 'p-limit';
import { AppError } from '../errors.ts';
import { STYLESHEET_PATH } from '../web/layout.ts';

export interface AdmissionBounds {
  /** Requests doing their work at once. */
  admitted: number;
  /** Requests waiting for a turn; past that, 429 at once. */
  maxQueued: number;
  /** The longest a request waits for its turn before it gets 429. */
  maxQueuedMs: number;
}

export const DEFAULT_ADMISSION: AdmissionBounds = { admitted: 16, maxQueued: 1024, maxQueuedMs: 5_000 };
export const ADMISSION_RETRY_AFTER_SECONDS = 2;

/** Cheap answers that must not wait behind the real work: probes, scripts, stylesheets, icons. */
export function isNeverQueued(request: FastifyRequest): boolean {
  const path = request.url;
  return path.startsWith('/health/') || path.startsWith('/ui/') || path === STYLESHEET_PATH || path === '/favicon.ico';
}

export function busyServerError(): AppError {
  return new AppError('request.throttled', `The server is busy: try again in ${ADMISSION_RETRY_AFTER_SECONDS} seconds`, {
    details: { retryAfterSeconds: ADMISSION_RETRY_AFTER_SECONDS },
  });
}

export function addAdmissionControl(app: FastifyInstance, bounds: AdmissionBounds = DEFAULT_ADMISSION) {
  const limit = pLimit(bounds.admitted);
  app.addHook('onRequest', async (request, reply) => {
    if (isNeverQueued(request)) return;
    if (limit.pendingCount >= bounds.maxQueued) throw busyServerError();
    // A turn is held until the response is over, however it ends: sent, failed, hijacked by the
    // OIDC provider (which skips Fastify's own response hooks), or the client gone. A
    // ServerResponse emits 'close' in every one of those cases. A request whose response is
    // over before its turn (turned away for waiting too long, or its client gone) gives the
    // turn back at once.
    let over = false;
    let endTurn: (() => void) | undefined;
    let stopWaiting: (() => void) | undefined;
    reply.raw.once('close', () => {
      over = true;
      endTurn?.();
      stopWaiting?.();
    });
    await new Promise<void>((admitted, refused) => {
      const tooLong = setTimeout(() => stopWaiting?.(), bounds.maxQueuedMs);
      stopWaiting = () => {
        clearTimeout(tooLong);
        over = true;
        refused(busyServerError());
      };
      void limit(
        () =>
          new Promise<void>((done) => {
            clearTimeout(tooLong);
            stopWaiting = undefined;
            if (over) return done();
            endTurn = done;
            admitted();
          }),
      );
    });
  });
}
