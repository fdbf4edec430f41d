// Who a SCIM create's Idempotency-Key belongs to (routes/idempotency.ts): the organization and
// the token's user or application, once the route's scope is checked.

import type { FastifyRequest } from 'fastify';
import type { CallerOf } from '../idempotency.ts';
import { requireScope } from './bearer-auth.ts';
import { scimState } from './context.ts';

export function scimCaller(scope: string): CallerOf {
  return (request: FastifyRequest) => {
    const { organization, principal } = scimState(request);
    requireScope(principal, scope);
    return { orgId: organization.id, principal };
  };
}
