// Refused SCIM and management-API calls go to the audit trail (docs/security.md section 10):
// a 401 (no or a bad token), a 403 (a scope or a privilege rule) or a 429 (a limit) is what a
// token thief or a misconfigured client leaves behind, and incident response needs to see
// them next to the calls that succeeded. Recorded before the answer is sent, with the caller
// when the token was good, the method, the path without its query, the request id and address.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { System } from '../system.ts';
import type { Principal } from './scim/context.ts';

const REFUSALS = new Set([401, 403, 429]);

export function auditRefusedCalls(app: FastifyInstance, system: System, principalOf: (request: FastifyRequest) => Principal | undefined): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!REFUSALS.has(reply.statusCode)) return payload;
    // A CORS preflight refused for its origin (routes/browser-cors.ts) is no API call.
    if (request.method === 'OPTIONS') return payload;
    const handle = (request.params as { org?: string } | undefined)?.org;
    const entry = handle ? await system.providers.get(handle) : undefined;
    // An unknown organization has no trail to write to (and answered 404 anyway).
    if (!entry) return payload;
    const principal = principalOf(request);
    await system.repos.audit.record({
      orgId: entry.organization.id,
      occurredAt: system.clock.now(),
      actorType: principal?.kind ?? 'anonymous',
      actorId: principal?.id ?? null,
      action: 'api.refused',
      after: { status: reply.statusCode, method: request.method, path: request.url.split('?')[0] },
      requestId: request.id,
      clientIp: request.ip,
    });
    return payload;
  });
}
