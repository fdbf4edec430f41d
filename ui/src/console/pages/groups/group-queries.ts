// The SCIM reads and writes behind the Groups pages. Lists never carry members
// (`excludedAttributes=members`): a group's members are read as a paged, filtered list of Users
// (`groups.value eq "<id>"`), which also gives their names, and they change through PATCH
// operations that add or remove single members instead of rewriting the whole list.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { config } from '../../../config.ts';
import { apiRequest } from '../../../api/http.ts';
import { groups, scimString, users, type ScimGroup, type ScimUser } from '../../../api/scim.ts';

export const GROUPS_PER_PAGE = 20;
export const MEMBERS_PER_PAGE = 20;

/** Everything under 'groups' is refetched after any change to a group or its members. */
export const groupKeys = {
  all: ['groups'] as const,
  lists: ['groups', 'list'] as const,
  list: (search: string, page: number) => ['groups', 'list', search, page] as const,
  one: (id: string) => ['groups', 'one', id] as const,
  membersOf: (id: string) => ['groups', 'members', id] as const,
  members: (id: string, search: string, page: number) => ['groups', 'members', id, search, page] as const,
};

/** A filter on what a person typed: user name (email) or given or family name contains it. */
export function userSearchFilter(text: string): string {
  const literal = scimString(text.trim());
  return `userName co ${literal} or name.givenName co ${literal} or name.familyName co ${literal}`;
}

export function useGroupList(search: string, page: number) {
  return useQuery({
    queryKey: groupKeys.list(search, page),
    queryFn: () =>
      groups.list({
        filter: search.trim() ? `displayName co ${scimString(search.trim())}` : undefined,
        sortBy: 'displayName',
        count: GROUPS_PER_PAGE,
        startIndex: (page - 1) * GROUPS_PER_PAGE + 1,
        excludedAttributes: 'members',
      }),
    placeholderData: keepPreviousData,
  });
}

export function useGroup(id: string) {
  return useQuery({
    queryKey: groupKeys.one(id),
    // The group's name and version (for If-Match) without its member list.
    queryFn: () => apiRequest<ScimGroup>(`${config.scimBase}/Groups/${encodeURIComponent(id)}?excludedAttributes=members`, { scim: true }),
  });
}

export function useGroupMembers(id: string, search: string, page: number) {
  return useQuery({
    queryKey: groupKeys.members(id, search, page),
    queryFn: () => {
      const inGroup = `groups.value eq ${scimString(id)}`;
      return users.list({
        filter: search.trim() ? `${inGroup} and (${userSearchFilter(search)})` : inGroup,
        sortBy: 'userName',
        count: MEMBERS_PER_PAGE,
        startIndex: (page - 1) * MEMBERS_PER_PAGE + 1,
        attributes: 'userName,name,displayName,emails',
      });
    },
    placeholderData: keepPreviousData,
  });
}

/** The email to show: the primary one, else the user name (which is the email). */
export function personEmail(user: Pick<ScimUser, 'userName' | 'emails'>): string {
  return user.emails?.find((e) => e.primary)?.value ?? user.emails?.[0]?.value ?? user.userName;
}
