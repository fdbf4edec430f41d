import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../../services/request-context.ts';
import { requireScope } from '../scim/bearer-auth.ts';

/** The organization and caller of a management-API request, after checking one scope. */
export function authorized(request: FastifyRequest, scope: string) {
  const api = request.api;
  if (!api) throw new Error('management API route reached without authentication');
  requireScope(api.principal, scope);
  const ctx: RequestContext = { actor: { type: api.principal.kind, id: api.principal.id }, requestId: request.id, clientIp: request.ip };
  return { organization: api.organization, principal: api.principal, ctx };
}
