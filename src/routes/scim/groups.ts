// /t/{org}/scim2/Groups: the same verbs as Users. Members are loaded only when the response
// carries them (`excludedAttributes=members` is what provisioning clients ask for).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { System } from '../../system.ts';
import type { Group, GroupSortColumn } from '../../repos/group-repo.ts';
import { readListQuery, type SortOption } from '../../scim/list-query.ts';
import { project, parseAttributeList, type Projection } from '../../scim/projection.ts';
import { GROUP_RESOURCE } from '../../scim/schema-definitions.ts';
import { toScimGroup } from '../../scim/group-resource.ts';
import { ScimError } from '../../scim/errors.ts';
import { actingContext, scimState } from './context.ts';
import { requireScope } from './bearer-auth.ts';
import { listResponse, pageAndTotal } from './list-response.ts';
import { ifMatch, sendResource } from './users.ts';
import * as operations from './operations.ts';
import { idempotentCreate } from '../idempotency.ts';
import { scimCaller } from './idempotency-caller.ts';

export const GROUP_SORT: Record<string, SortOption<GroupSortColumn>> = {
  'meta.created': { column: 'created_at', isDate: true },
  'meta.lastmodified': { column: 'modified_at', isDate: true },
  displayname: { column: 'name_key' },
  externalid: { column: 'external_id' },
  id: { column: 'id' },
};

function sortValue(group: Group, column: GroupSortColumn): string | Date | null {
  switch (column) {
    case 'created_at':
      return group.createdAt;
    case 'modified_at':
      return group.modifiedAt;
    case 'name_key':
      return group.displayName.toLowerCase();
    case 'external_id':
      return group.externalId ?? '';
    case 'id':
      return group.id;
  }
}

function wantsMembers(projection: Projection): boolean {
  const names = (list?: string[]) => (list ?? []).map((n) => n.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/, '').split('.')[0]);
  if (projection.attributes) return names(projection.attributes).includes('members');
  return !names(projection.excludedAttributes).includes('members');
}

interface IdParams {
  org: string;
  id: string;
}

export async function groupRoutes(app: FastifyInstance, { system }: { system: System }) {
  const context = (request: FastifyRequest): operations.OperationContext => {
    const { organization, locations } = scimState(request);
    return { system, organization, locations, ctx: actingContext(request) };
  };

  async function list(request: FastifyRequest, source: Record<string, unknown>) {
    const { organization, principal, locations } = scimState(request);
    requireScope(principal, 'internal_group_mgt_view');
    const query = readListQuery(source, GROUP_SORT, 'meta.created');
    const members = wantsMembers(query.projection);
    const page = await pageAndTotal(
      query,
      (window) => system.services.groups.listGroups(organization.id, { filter: query.filter, sort: query.sort, ...window }, members),
      () => system.services.groups.countGroups(organization.id, query.filter),
    );
    return listResponse(
      query,
      page,
      (view) => project(toScimGroup(view, locations, { members }), GROUP_RESOURCE, query.projection),
      (view) => ({ value: sortValue(view.group, query.sort.column), id: view.group.id }),
    );
  }

  app.get<{ Params: { org: string }; Querystring: Record<string, unknown> }>('/Groups', (request) => list(request, request.query));
  app.post<{ Params: { org: string } }>('/Groups/.search', (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new ScimError(400, 'The search request must be a JSON object', 'invalidSyntax');
    return list(request, body);
  });

  app.post<{ Params: { org: string } }>('/Groups', idempotentCreate(system, scimCaller('internal_group_mgt_create')), async (request, reply) => {
    requireScope(scimState(request).principal, 'internal_group_mgt_create');
    return sendResource(reply, await operations.createGroup(context(request), request.body));
  });

  app.get<{ Params: IdParams; Querystring: Record<string, unknown> }>('/Groups/:id', async (request, reply) => {
    const { organization, principal, locations } = scimState(request);
    requireScope(principal, 'internal_group_mgt_view');
    const projection = { attributes: parseAttributeList(request.query.attributes), excludedAttributes: parseAttributeList(request.query.excludedAttributes) };
    const view = await system.services.groups.getGroup(organization.id, request.params.id);
    const resource = toScimGroup(view, locations, { members: wantsMembers(projection) });
    reply.header('etag', (resource.meta as { version: string }).version);
    return project(resource, GROUP_RESOURCE, projection);
  });

  app.put<{ Params: IdParams }>('/Groups/:id', async (request, reply) => {
    requireScope(scimState(request).principal, 'internal_group_mgt_update');
    return sendResource(reply, await operations.replaceGroup(context(request), request.params.id, request.body, ifMatch(request)));
  });

  // The answer honours attributes/excludedAttributes (RFC 7644 section 3.5.2): a client that
  // leaves members out spares a big group the reading and sending of its whole member list.
  app.patch<{ Params: IdParams; Querystring: Record<string, unknown> }>('/Groups/:id', async (request, reply) => {
    requireScope(scimState(request).principal, 'internal_group_mgt_update');
    const projection = { attributes: parseAttributeList(request.query.attributes), excludedAttributes: parseAttributeList(request.query.excludedAttributes) };
    const result = await operations.patchGroup(context(request), request.params.id, request.body, ifMatch(request), undefined, wantsMembers(projection));
    return sendResource(reply, { ...result, ...(result.resource && { resource: project(result.resource, GROUP_RESOURCE, projection) }) });
  });

  app.delete<{ Params: IdParams }>('/Groups/:id', async (request, reply) => {
    requireScope(scimState(request).principal, 'internal_group_mgt_delete');
    return sendResource(reply, await operations.deleteGroup(context(request), request.params.id, ifMatch(request)));
  });
}
