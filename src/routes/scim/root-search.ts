// POST /t/{org}/scim2/.search (RFC 7644 section 3.4.3): one SearchRequest over Users and Groups.
// Each resource type is searched only when the token may list it (internal_user_mgt_list for
// Users, internal_group_mgt_view for Groups, as on their own .search); a token with neither is
// refused. Results are the users (oldest first) followed by the groups (oldest first), paged by
// startIndex and count over that sequence. A filter naming attributes one type does not have
// matches nothing of that type (it is refused only when no searched type understands it).
// sortBy and cursor paging are per-resource-type features and are refused here.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { System } from '../../system.ts';
import { readListQuery, LIST_RESPONSE_SCHEMA } from '../../scim/list-query.ts';
import { project } from '../../scim/projection.ts';
import { GROUP_RESOURCE, USER_RESOURCE } from '../../scim/schema-definitions.ts';
import { toScimUser } from '../../scim/user-resource.ts';
import { toScimGroup } from '../../scim/group-resource.ts';
import { ScimError, invalidValue } from '../../scim/errors.ts';
import { scimState } from './context.ts';
import { USER_SORT } from './users.ts';
import { GROUP_SORT } from './groups.ts';

const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

function has(body: Record<string, unknown>, name: string): boolean {
  return Object.keys(body).some((key) => key.toLowerCase() === name.toLowerCase() && body[key] !== undefined && body[key] !== null);
}

/**
 * A resource type's total for the filter, or `null` when the type has none of the filter's
 * attributes (the repository refuses to compile it): that type then contributes nothing.
 */
async function totalOrNull(count: () => Promise<number>): Promise<number | null> {
  try {
    return await count();
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidFilter') return null;
    throw error;
  }
}

export async function rootSearchRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.post<{ Params: { org: string } }>('/.search', async (request: FastifyRequest) => {
    const { organization, principal, locations } = scimState(request);
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) throw new ScimError(400, 'The search request must be a JSON object', 'invalidSyntax');
    const source = body as Record<string, unknown>;
    const schemas = source.schemas;
    if (schemas !== undefined && !(Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase()))) {
      throw new ScimError(400, `schemas must be ["${SEARCH_REQUEST_SCHEMA}"]`, 'invalidSyntax');
    }
    if (has(source, 'sortBy') || has(source, 'sortOrder')) throw invalidValue('sortBy is not supported on the root .search; search /Users/.search or /Groups/.search to sort');
    if (has(source, 'cursor')) throw invalidValue('cursor paging is not supported on the root .search; use startIndex and count');

    const searchUsers = principal.scopes.has('internal_user_mgt_list');
    const searchGroups = principal.scopes.has('internal_group_mgt_view');
    if (!searchUsers && !searchGroups) throw new ScimError(403, 'The access token lacks the scope internal_user_mgt_list or internal_group_mgt_view');

    const userQuery = readListQuery(source, USER_SORT, 'meta.created');
    const groupQuery = readListQuery(source, GROUP_SORT, 'meta.created');
    const { filter, projection } = userQuery;
    const paging = userQuery.paging as { kind: 'index'; startIndex: number; count: number };

    const [userCount, groupCount] = await Promise.all([
      searchUsers ? totalOrNull(() => system.services.users.countUsers(organization.id, filter)) : null,
      searchGroups ? totalOrNull(() => system.services.groups.countGroups(organization.id, filter)) : null,
    ]);
    if (filter && userCount === null && groupCount === null) {
      // Not understood by any searched type: the error as that type's own search gives it.
      await (searchUsers ? system.services.users.countUsers(organization.id, filter) : system.services.groups.countGroups(organization.id, filter));
    }
    const userTotal = userCount ?? 0;
    const groupTotal = groupCount ?? 0;
    const offset = paging.startIndex - 1;
    const userLimit = Math.max(0, Math.min(paging.count, userTotal - offset));
    const groupOffset = Math.max(0, offset - userTotal);
    const groupLimit = Math.max(0, Math.min(paging.count - userLimit, groupTotal - groupOffset));

    const users = userCount !== null && userLimit > 0
      ? await system.services.users.listUsers(organization.id, { filter, sort: userQuery.sort, offset, limit: userLimit, after: undefined })
      : [];
    const groups = groupCount !== null && groupLimit > 0
      ? await system.services.groups.listGroups(organization.id, { filter, sort: groupQuery.sort, offset: groupOffset, limit: groupLimit, after: undefined }, false)
      : [];
    const resources = [
      ...users.map((view) => project(toScimUser(view, locations), USER_RESOURCE, projection)),
      ...groups.map((view) => project(toScimGroup(view, locations, { members: false }), GROUP_RESOURCE, projection)),
    ];
    return {
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: userTotal + groupTotal,
      itemsPerPage: resources.length,
      startIndex: paging.startIndex,
      Resources: resources,
    };
  });
}
