// /t/{org}/scim2/Me: the signed-in user's own account, with a user token carrying
// `internal_login`. A user may edit their profile and change their password (proving the
// current one), but not their own account state or verification.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { System } from '../../system.ts';
import type { UserView } from '../../services/user-service.ts';
import { applyPatch } from '../../scim/patch.ts';
import { USER_RESOURCE } from '../../scim/schema-definitions.ts';
import { pick, readScimUser, toReplaceInput, toScimUser } from '../../scim/user-resource.ts';
import { ScimError, invalidValue } from '../../scim/errors.ts';
import { actingContext, scimState } from './context.ts';
import { requireScope } from './bearer-auth.ts';
import { ifMatch } from './users.ts';

function currentPasswordOf(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? pick(body as Record<string, unknown>, 'currentPassword') : undefined;
}

export async function meRoutes(app: FastifyInstance, { system }: { system: System }) {
  const { users } = system.services;

  function me(request: FastifyRequest) {
    const state = scimState(request);
    requireScope(state.principal, 'internal_login');
    if (state.principal.kind !== 'user') throw new ScimError(403, "/Me needs a signed-in user's token, not an application's");
    return state;
  }

  /** Saves a new representation of the caller, keeping what a user may not change about themselves. */
  async function save(request: FastifyRequest, current: UserView, representation: unknown, currentPassword: unknown) {
    const { organization, locations } = scimState(request);
    const input = toReplaceInput(readScimUser(representation, { mode: 'replace', id: current.user.id }));
    // What identifies or governs the account stays as the organization set it: provisioning
    // clients match users on externalId, emails and the enterprise attributes, and the
    // account's state and verification are the administrators' to change.
    input.active = true;
    input.locked = false;
    input.emailVerified = current.user.emailVerified;
    input.externalId = current.user.externalId ?? null;
    input.enterprise = current.user.enterprise ?? null;
    input.emails = current.emails;
    if (input.password !== undefined) {
      if (typeof currentPassword !== 'string' || currentPassword === '') throw invalidValue('To change your password, also send currentPassword');
      const confirmation = await system.services.signIn.confirmPassword(current.user, currentPassword, actingContext(request));
      if (confirmation.outcome === 'throttled') {
        throw new ScimError(429, `Too many wrong passwords: try again in ${Math.ceil(confirmation.retryAfterSeconds / 60)} minutes`);
      }
      if (confirmation.outcome === 'wrong') throw invalidValue('The current password is incorrect');
      if (currentPassword === input.password) throw invalidValue('The new password must differ from the current one');
    }
    const saved = await users.replaceUser(organization, current.user.id, input, { ...actingContext(request), selfService: { sessionUid: scimState(request).principal.sessionUid } }, ifMatch(request) ?? current.user.version);
    return toScimUser(saved, locations);
  }

  app.get<{ Params: { org: string } }>('/Me', async (request, reply) => {
    const { organization, principal, locations } = me(request);
    const resource = toScimUser(await users.getUser(organization.id, principal.id), locations);
    reply.header('etag', (resource.meta as { version: string }).version);
    return resource;
  });

  app.put<{ Params: { org: string } }>('/Me', async (request, reply) => {
    const { organization, principal } = me(request);
    const current = await users.getUser(organization.id, principal.id);
    const resource = await save(request, current, request.body, currentPasswordOf(request.body));
    return reply.header('etag', (resource.meta as { version: string }).version).send(resource);
  });

  app.patch<{ Params: { org: string } }>('/Me', async (request, reply) => {
    const { organization, principal, locations } = me(request);
    const current = await users.getUser(organization.id, principal.id);
    const patched = applyPatch(toScimUser(current, locations, { forPatch: true }), request.body, USER_RESOURCE);
    const resource = await save(request, current, patched, currentPasswordOf(request.body));
    return reply.header('etag', (resource.meta as { version: string }).version).send(resource);
  });
}
