// /t/{org}/scim2/Users: list and search (filter, sort, index or cursor paging), create, read,
// replace, patch and delete, with weak ETags and If-Match.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { System } from '../../system.ts';
import type { UserSortColumn } from '../../repos/user-repo.ts';
import { userSortPosition } from '../../services/user-sort-position.ts';
import { readListQuery, type SortOption } from '../../scim/list-query.ts';
import { project, parseAttributeList } from '../../scim/projection.ts';
import { USER_RESOURCE } from '../../scim/schema-definitions.ts';
import { toScimUser } from '../../scim/user-resource.ts';
import { versionFromIfMatch } from '../../scim/etag.ts';
import { ScimError } from '../../scim/errors.ts';
import { actingContext, scimState } from './context.ts';
import { requireScope } from './bearer-auth.ts';
import { listResponse, pageAndTotal } from './list-response.ts';
import * as operations from './operations.ts';
import { idempotentCreate } from '../idempotency.ts';
import { scimCaller } from './idempotency-caller.ts';

export const USER_SORT: Record<string, SortOption<UserSortColumn>> = {
  'meta.created': { column: 'created_at', isDate: true },
  'meta.lastmodified': { column: 'modified_at', isDate: true },
  username: { column: 'user_name' },
  emails: { column: 'user_name' },
  'emails.value': { column: 'user_name' },
  'name.familyname': { column: 'family_name' },
  'name.givenname': { column: 'given_name' },
  displayname: { column: 'display_name' },
  externalid: { column: 'external_id' },
  id: { column: 'id' },
};

interface IdParams {
  org: string;
  id: string;
}

/** If-Match as a version number; a value naming no version of ours never matches. */
export function ifMatch(request: FastifyRequest): number | undefined {
  const version = versionFromIfMatch(request.headers['if-match']);
  if (Number.isNaN(version)) throw new ScimError(412, 'If-Match does not match the current version');
  return version;
}

export function sendResource(reply: FastifyReply, result: operations.OperationResult) {
  if (result.status === 204 || !result.resource) return reply.code(204).send();
  const meta = result.resource.meta as { version?: string; location?: string } | undefined;
  if (meta?.version) reply.header('etag', meta.version);
  if (result.status === 201 && meta?.location) reply.header('location', meta.location);
  return reply.code(result.status).send(result.resource);
}

export async function userRoutes(app: FastifyInstance, { system }: { system: System }) {
  const context = (request: FastifyRequest): operations.OperationContext => {
    const { organization, locations } = scimState(request);
    return { system, organization, locations, ctx: actingContext(request) };
  };

  async function list(request: FastifyRequest, source: Record<string, unknown>) {
    const { organization, principal, locations } = scimState(request);
    requireScope(principal, 'internal_user_mgt_list');
    const query = readListQuery(source, USER_SORT, 'meta.created');
    const page = await pageAndTotal(
      query,
      (window) => system.services.users.listUsers(organization.id, { filter: query.filter, sort: query.sort, ...window }),
      () => system.services.users.countUsers(organization.id, query.filter),
    );
    return listResponse(
      query,
      page,
      (view) => project(toScimUser(view, locations), USER_RESOURCE, query.projection),
      (view) => userSortPosition(view.user, query.sort.column),
    );
  }

  app.get<{ Params: { org: string }; Querystring: Record<string, unknown> }>('/Users', (request) => list(request, request.query));
  app.post<{ Params: { org: string } }>('/Users/.search', (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new ScimError(400, 'The search request must be a JSON object', 'invalidSyntax');
    return list(request, body);
  });

  app.post<{ Params: { org: string } }>('/Users', idempotentCreate(system, scimCaller('internal_user_mgt_create')), async (request, reply) => {
    requireScope(scimState(request).principal, 'internal_user_mgt_create');
    return sendResource(reply, await operations.createUser(context(request), request.body));
  });

  app.get<{ Params: IdParams; Querystring: Record<string, unknown> }>('/Users/:id', async (request, reply) => {
    const { organization, principal, locations } = scimState(request);
    requireScope(principal, 'internal_user_mgt_view');
    const view = await system.services.users.getUser(organization.id, request.params.id);
    const resource = toScimUser(view, locations);
    reply.header('etag', (resource.meta as { version: string }).version);
    const projection = { attributes: parseAttributeList(request.query.attributes), excludedAttributes: parseAttributeList(request.query.excludedAttributes) };
    return project(resource, USER_RESOURCE, projection);
  });

  app.put<{ Params: IdParams }>('/Users/:id', async (request, reply) => {
    requireScope(scimState(request).principal, 'internal_user_mgt_update');
    return sendResource(reply, await operations.replaceUser(context(request), request.params.id, request.body, ifMatch(request)));
  });

  app.patch<{ Params: IdParams }>('/Users/:id', async (request, reply) => {
    requireScope(scimState(request).principal, 'internal_user_mgt_update');
    return sendResource(reply, await operations.patchUser(context(request), request.params.id, request.body, ifMatch(request)));
  });

  app.delete<{ Params: IdParams }>('/Users/:id', async (request, reply) => {
    requireScope(scimState(request).principal, 'internal_user_mgt_delete');
    return sendResource(reply, await operations.deleteUser(context(request), request.params.id, ifMatch(request)));
  });
}
