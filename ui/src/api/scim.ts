// SCIM 2.0 calls the apps make: the same /t/{org}/scim2 API that scripts and identity providers
// use. Filters are built with scimString so that a person's search text can never change the
// filter's meaning.

import { config } from '../config.ts';
import { apiRequest } from './http.ts';
import { idempotencyHeader } from './idempotency-key.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const WSO2_SCHEMA = 'urn:scim:wso2:schema';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type AccountState = 'PENDING' | 'ACTIVE' | 'LOCKED' | 'DISABLED';

export interface ScimUser {
  id: string;
  userName: string;
  name?: { givenName?: string; familyName?: string; formatted?: string };
  displayName?: string;
  emails?: Array<{ value: string; type?: string; primary?: boolean }>;
  active: boolean;
  groups?: Array<{ value: string; display?: string }>;
  [WSO2_SCHEMA]?: { emailVerified?: boolean; accountState?: AccountState; accountLocked?: boolean; temporaryPassword?: boolean };
  meta: { created: string; lastModified: string; version: string };
}

export interface ScimGroup {
  id: string;
  displayName: string;
  members?: Array<{ value: string; display?: string }>;
  meta: { created: string; lastModified: string; version: string };
}

export interface ListResponse<T> {
  totalResults: number;
  itemsPerPage: number;
  startIndex?: number;
  nextCursor?: string;
  previousCursor?: string;
  Resources: T[];
}

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

/** A SCIM filter string literal: quotes and backslashes escaped. */
export function scimString(value: string): string {
  return JSON.stringify(value);
}

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

export interface ListParams {
  filter?: string;
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
  count?: number;
  startIndex?: number;
  /** Cursor paging: '' asks for the first page of a cursor listing. */
  cursor?: string;
  attributes?: string;
  excludedAttributes?: string;
}

function listQuery(params: ListParams): string {
  const { cursor, ...rest } = params;
  const base = query({ ...rest });
  if (cursor === undefined) return base;
  return `${base}${base ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
}

const scim = config.scimBase;

export const users = {
  list: (params: ListParams) => apiRequest<ListResponse<ScimUser>>(`${scim}/Users${listQuery(params)}`, { scim: true }),
  get: (id: string) => apiRequest<ScimUser>(`${scim}/Users/${encodeURIComponent(id)}`, { scim: true }),
  /** With an Idempotency-Key, a repeat of the same create answers the first answer again. */
  create: (body: Record<string, unknown>, idempotencyKey?: string) =>
    apiRequest<ScimUser>(`${scim}/Users`, { method: 'POST', body, scim: true, headers: idempotencyHeader(idempotencyKey) }),
  patch: (id: string, operations: PatchOperation[], version?: string) =>
    apiRequest<ScimUser>(`${scim}/Users/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: { schemas: [PATCH_SCHEMA], Operations: operations },
      scim: true,
      headers: version ? { 'if-match': version } : undefined,
    }),
  remove: (id: string) => apiRequest<void>(`${scim}/Users/${encodeURIComponent(id)}`, { method: 'DELETE', scim: true }),
};

export const groups = {
  list: (params: ListParams) => apiRequest<ListResponse<ScimGroup>>(`${scim}/Groups${listQuery(params)}`, { scim: true }),
  get: (id: string) => apiRequest<ScimGroup>(`${scim}/Groups/${encodeURIComponent(id)}`, { scim: true }),
  create: (displayName: string, memberIds: string[] = []) =>
    apiRequest<ScimGroup>(`${scim}/Groups`, {
      method: 'POST',
      body: { schemas: [GROUP_SCHEMA], displayName, members: memberIds.map((value) => ({ value })) },
      scim: true,
    }),
  // The answer leaves the members out: the apps never need a big group's whole list back.
  patch: (id: string, operations: PatchOperation[], version?: string) =>
    apiRequest<ScimGroup>(`${scim}/Groups/${encodeURIComponent(id)}?excludedAttributes=members`, {
      method: 'PATCH',
      body: { schemas: [PATCH_SCHEMA], Operations: operations },
      scim: true,
      headers: version ? { 'if-match': version } : undefined,
    }),
  remove: (id: string) => apiRequest<void>(`${scim}/Groups/${encodeURIComponent(id)}`, { method: 'DELETE', scim: true }),
};

export const me = {
  get: () => apiRequest<ScimUser>(`${scim}/Me`, { scim: true }),
  patch: (operations: PatchOperation[]) =>
    apiRequest<ScimUser>(`${scim}/Me`, { method: 'PATCH', body: { schemas: [PATCH_SCHEMA], Operations: operations }, scim: true }),
};
