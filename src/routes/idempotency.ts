// The Idempotency-Key header for the routes that opt in (creates): spread `idempotentCreate(...)`
// into a route's options. Its preHandler runs after the surface's authentication, so the key
// is scoped to the organization, the caller, the method and the path; its onSend keeps a
// successful answer (status, Location, ETag, Content-Type, body) for replay and gives the key
// back after a failure. Errors are AppErrors, so each surface renders them in its own shape.
// The rules themselves are in services/idempotency-service.ts.

import type { FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { System } from '../system.ts';
import { parseIdempotencyKey, type IdempotencyLease } from '../services/idempotency-service.ts';

/**
 * The organization and caller of an authenticated request, as the surface knows them. It also
 * checks the route's scope, so a replay is never handed to a caller the route would refuse.
 */
export type CallerOf = (request: FastifyRequest) => { orgId: string; principal: { kind: string; id: string } };

const REPLAYED_HEADERS = ['location', 'etag', 'content-type'] as const;

/** The header as documented in the OpenAPI document of routes that honour it. */
export const IDEMPOTENCY_KEY_HEADER_SCHEMA = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      description:
        'Optional. A unique value (a UUID) per intended create, 1–255 printable ASCII characters. The same key with the same body within 24 hours answers the first successful answer again (header Idempotent-Replayed: true) and creates nothing; the same key with another body is a 422; while the first request still runs, a 409 with Retry-After. A failed request does not keep its key.',
    },
  },
} as const;

export function idempotentCreate(system: System, callerOf: CallerOf): Pick<RouteShorthandOptions, 'preHandler' | 'onSend'> {
  const leases = new WeakMap<FastifyRequest, IdempotencyLease>();
  const service = system.services.idempotency;

  return {
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      if (key === undefined) return;
      const { orgId, principal } = callerOf(request);
      const scope = `${principal.kind}:${principal.id} ${request.method} ${request.url.split('?')[0]}`;
      const decision = await service.begin({ orgId, scope, key, body: request.body });
      if (decision.kind === 'run') {
        leases.set(request, decision.lease);
        return;
      }
      const { answer } = decision;
      for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
      reply.header('idempotent-replayed', 'true');
      return reply.code(answer.status).send(answer.body);
    },

    onSend: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const lease = leases.get(request);
      if (!lease) return payload;
      leases.delete(request);
      try {
        if (typeof payload !== 'string' && !Buffer.isBuffer(payload) && payload !== undefined && payload !== null) {
          // A streamed answer cannot be kept; give the key back rather than replay something else.
          await service.release(lease);
          return payload;
        }
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = reply.getHeader(name);
          if (value !== undefined) headers[name] = String(value);
        }
        await service.complete(lease, { status: reply.statusCode, headers, body: payload === undefined || payload === null ? '' : payload.toString() });
      } catch (error) {
        // The create itself is done; failing its answer now would make the caller retry it. The
        // key stays running until its lease ends, then a retry takes it over.
        request.log.error({ err: error }, 'could not record the answer of an idempotent request');
      }
      return payload;
    },
  };
}
