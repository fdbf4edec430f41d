// What every SCIM handler knows about its request once authentication has run.

import type { FastifyRequest } from 'fastify';
import type { Organization } from '../../repos/organization-repo.ts';
import type { RequestContext } from '../../services/request-context.ts';
import type { ScimLocations } from '../../scim/user-resource.ts';

export interface Principal {
  /** A signed-in user's token, or an application's client-credentials token. */
  kind: 'user' | 'application';
  /** The user id, or the application's client id. */
  id: string;
  clientId: string;
  scopes: Set<string>;
  /** A user token's sign-in session (the provider's Session uid), so My Account can mark it. */
  sessionUid?: string;
}

export interface ScimRequestState {
  organization: Organization;
  principal: Principal;
  locations: ScimLocations;
}

declare module 'fastify' {
  interface FastifyRequest {
    scim?: ScimRequestState;
  }
}

export function scimState(request: FastifyRequest): ScimRequestState {
  if (!request.scim) throw new Error('SCIM route reached without authentication');
  return request.scim;
}

/** The audit context of a SCIM request: the token's user or application acts. */
export function actingContext(request: FastifyRequest): RequestContext {
  const { principal } = scimState(request);
  return { actor: { type: principal.kind, id: principal.id }, requestId: request.id, clientIp: request.ip };
}
