// The Users list's query: customers only (administrators are managed on their own page), a
// search over email and names, a state and a group filter, a sort order, and cursor paging, so
// that page 4,000 of a million customers costs what the first page does.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { groups, scimString, users, type ListParams } from '../../../api/scim.ts';
import type { UserExportQuery } from '../../../api/exports.ts';
import { USER_STATES, type UserState } from './user-state.ts';

export const PAGE_SIZES = [25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

export const SORTS = {
  newest: { label: 'Newest first', sortBy: 'meta.created', sortOrder: 'descending' },
  oldest: { label: 'Oldest first', sortBy: 'meta.created', sortOrder: 'ascending' },
  'email-asc': { label: 'Email, A to Z', sortBy: 'userName', sortOrder: 'ascending' },
  'email-desc': { label: 'Email, Z to A', sortBy: 'userName', sortOrder: 'descending' },
  'last-name': { label: 'Last name, A to Z', sortBy: 'name.familyName', sortOrder: 'ascending' },
  'first-name': { label: 'First name, A to Z', sortBy: 'name.givenName', sortOrder: 'ascending' },
} as const satisfies Record<string, { label: string; sortBy: string; sortOrder: 'ascending' | 'descending' }>;
export type SortKey = keyof typeof SORTS;

export function isSortKey(value: string | null): value is SortKey {
  return value !== null && Object.hasOwn(SORTS, value);
}

export interface UserListFilters {
  search: string;
  state: UserState | null;
  groupId: string | null;
  sort: SortKey;
  pageSize: PageSize;
}

/** SCIM User.userType: the Console's Users page lists customers; administrators have their own page. */
const CUSTOMERS = 'userType eq "Customer"';

/** One SCIM filter for the whole list; each part is parenthesised so that `or` stays inside it. */
export function customerFilter(filters: Pick<UserListFilters, 'search' | 'state' | 'groupId'>): string {
  const parts = [CUSTOMERS];
  const text = filters.search.trim();
  if (text) {
    const literal = scimString(text);
    parts.push(`(userName co ${literal} or name.givenName co ${literal} or name.familyName co ${literal})`);
  }
  if (filters.state) parts.push(`(${USER_STATES[filters.state].filter})`);
  if (filters.groupId) parts.push(`groups.value eq ${scimString(filters.groupId)}`);
  return parts.join(' and ');
}

/** The list as the export endpoint takes it: every customer the filters select, in the list's order. */
export function customerExportQuery(filters: UserListFilters): UserExportQuery {
  const sort = SORTS[filters.sort];
  return { filter: customerFilter(filters), sortBy: sort.sortBy, sortOrder: sort.sortOrder };
}

export const usersListKey = ['users', 'list'] as const;

/** One page: `cursor` is '' for the first page of a traversal, then the previous page's nextCursor. */
export function useCustomerPage(filters: UserListFilters, cursor: string) {
  const sort = SORTS[filters.sort];
  const params: ListParams = {
    filter: customerFilter(filters),
    sortBy: sort.sortBy,
    sortOrder: sort.sortOrder,
    count: filters.pageSize,
    cursor,
    // The list needs no addresses beyond the userName, nor enterprise attributes.
    attributes: `userName,name,displayName,active,groups,urn:scim:wso2:schema:accountState,urn:scim:wso2:schema:temporaryPassword`,
  };
  return useQuery({
    queryKey: [...usersListKey, params],
    queryFn: () => users.list(params),
    placeholderData: keepPreviousData,
  });
}

/** Groups for the group filter: by name, searched on the server so a thousand groups are fine. */
export function useGroupOptions(search: string) {
  const text = search.trim();
  return useQuery({
    queryKey: ['groups', 'options', text],
    queryFn: () =>
      groups.list({ filter: text ? `displayName co ${scimString(text)}` : undefined, sortBy: 'displayName', count: 50, excludedAttributes: 'members' }),
    placeholderData: keepPreviousData,
  });
}
