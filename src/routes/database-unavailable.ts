// The JSON answer of the hosted pages and the management API while the database is down: 503
// with Retry-After, so clients and load balancers retry instead of treating it as a bug.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { DATABASE_RETRY_AFTER_SECONDS, isDiskFull, noteDiskFull } from '../db/availability.ts';

export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is not answering; try again shortly';

/** Logs an outage the way an operator needs it: a full disk by name (and readiness learns of it). */
export function logDatabaseOutage(request: FastifyRequest, error: unknown): void {
  if (isDiskFull(error)) {
    noteDiskFull();
    request.log.error({ err: error }, 'the database disk is full: writes fail until space is freed');
  } else {
    request.log.warn({ err: error }, 'database unavailable');
  }
}

export function sendDatabaseUnavailable(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  logDatabaseOutage(request, error);
  return reply
    .code(503)
    .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
    .send({ code: 'service.unavailable', message: DATABASE_UNAVAILABLE_MESSAGE, requestId: request.id });
}
