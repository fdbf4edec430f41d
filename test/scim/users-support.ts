// Helpers shared by the SCIM Users API tests (test/scim/users-*.test.ts).

import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { ScimTestBed } from '../support/scim.ts';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const WSO2_SCHEMA = 'urn:scim:wso2:schema';

export type ScimRequest = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, headers?: Record<string, string>) => Promise<LightMyRequestResponse>;

/** Asserts an RFC 7644 error response (section 3.12) and returns its body. */
export function expectScimError(res: LightMyRequestResponse, status: number, scimType?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  const body = res.json() as { schemas: string[]; status: string; scimType?: string; detail: string };
  expect(body.schemas).toEqual([ERROR_SCHEMA]);
  expect(body.status).toBe(String(status));
  expect(typeof body.detail).toBe('string');
  expect(body.detail.length).toBeGreaterThan(0);
  if (scimType === undefined) expect(body.scimType).toBeUndefined();
  else expect(body.scimType).toBe(scimType);
  return body;
}

export function expectStatus(res: LightMyRequestResponse, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  return res;
}

export interface ScimList {
  schemas: string[];
  totalResults: number;
  itemsPerPage: number;
  startIndex?: number;
  nextCursor?: string;
  Resources: Array<Record<string, unknown> & { id: string; userName: string }>;
}

export function listOf(res: LightMyRequestResponse): ScimList {
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as ScimList;
  expect(body.schemas).toEqual([LIST_SCHEMA]);
  return body;
}

export function qs(params: Record<string, string | number>): string {
  return `?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

/** An access token the organization's provider issues to one of its users (as after a sign-in). */
export async function userAccessToken(bed: ScimTestBed, handle: string, clientId: string, userId: string, scopes: string[]) {
  const entry = (await bed.system.providers.get(handle))!;
  const client = await entry.provider.Client.find(clientId);
  const token = new entry.provider.AccessToken({ accountId: userId, client: client!, scope: scopes.join(' '), grantId: `grant-${userId}`, gty: 'authorization_code' });
  return token.save();
}

/** A session, a grant and a refresh token held by a user, stored as the provider stores them. */
export async function userSessionArtifacts(bed: ScimTestBed, orgId: string, userId: string) {
  const repo = bed.system.repos.oidcPayloads;
  const expiresAt = new Date(Date.now() + 3600_000);
  const grantId = `grant-${userId}`;
  const ids = { Session: `session-${userId}`, Grant: grantId, RefreshToken: `refresh-${userId}` };
  await repo.upsert(orgId, 'Session', ids.Session, { payload: { accountId: userId, kind: 'Session' }, uid: `uid-${userId}`, accountId: userId, expiresAt });
  await repo.upsert(orgId, 'Grant', ids.Grant, { payload: { accountId: userId, kind: 'Grant' }, accountId: userId, expiresAt });
  await repo.upsert(orgId, 'RefreshToken', ids.RefreshToken, { payload: { accountId: userId, kind: 'RefreshToken', grantId }, grantId, accountId: userId, expiresAt });
  return {
    async remaining(): Promise<string[]> {
      const found: string[] = [];
      // A consumed session is an ended one (a marker that cannot be revived).
      for (const [model, id] of Object.entries(ids)) if ((await repo.find(orgId, model, id, new Date()))?.consumed === false) found.push(model);
      return found;
    },
  };
}
