import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../../services/request-context.ts';
import { requireScope } from '../scim/bearer-auth.ts';
import type { CallerOf } from '../idempotency.ts';

/** The organization and caller of a management-API request, after checking one scope. */
export function authorized(request: FastifyRequest, scope: string) {
  const api = request.api;
  if (!api) throw new Error('management API route reached without authentication');
  requireScope(api.principal, scope);
  const ctx: RequestContext = { actor: { type: api.principal.kind, id: api.principal.id }, requestId: request.id, clientIp: request.ip };
  return { organization: api.organization, principal: api.principal, ctx };
}

/** Who a management-API create's Idempotency-Key belongs to (routes/idempotency.ts), once `check` passed. */
export function apiCaller(scope: string, check: (request: FastifyRequest, scope: string) => ReturnType<typeof authorized> = authorized): CallerOf {
  return (request) => {
    const { organization, principal } = check(request, scope);
    return { orgId: organization.id, principal };
  };
}
