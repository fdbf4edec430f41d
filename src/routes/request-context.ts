import type { FastifyRequest } from 'fastify';
import type { RequestContext, Actor } from '../services/request-context.ts';

/** The audit context of a request: its id and client address, and who acts (anonymous by default). */
export function requestContext(request: FastifyRequest, actor: Actor = { type: 'anonymous' }): RequestContext {
  return { actor, requestId: request.id, clientIp: request.ip };
}
