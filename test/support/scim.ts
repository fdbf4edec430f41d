// A SCIM client for API tests: an organization, an m2m application with the scopes asked
// for, its client-credentials token from the real token endpoint, and inject helpers.

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app.ts';
import { API_SCOPES } from '../../src/oidc/scopes.ts';
import { createOrganization, createTestSystem, type TestSystem } from './system.ts';
import { registerApplication } from './relying-party.ts';

export interface ScimTestBed {
  system: TestSystem;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function createScimTestBed(options: Parameters<typeof createTestSystem>[0] = {}, appOptions: AppOptions = {}): Promise<ScimTestBed> {
  const system = await createTestSystem(options);
  const app = await buildApp(system, { logger: false, ...appOptions });
  return {
    system,
    app,
    async close() {
      await app.close();
      await system.close();
    },
  };
}

export async function tokenFor(app: FastifyInstance, handle: string, clientId: string, clientSecret: string, scopes: readonly string[]): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: `/t/${handle}/oauth2/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    payload: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') }).toString(),
  });
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

/** An organization and a SCIM client for it holding the given scopes (all API scopes by default). */
export async function scimClient(bed: ScimTestBed, handle: string, scopes: readonly string[] = API_SCOPES) {
  const { organization, owner } = await createOrganization(bed.system, handle);
  const { application, clientSecret } = await registerApplication(bed.system, organization.id, { type: 'm2m', scopes: [...scopes] });
  const token = await tokenFor(bed.app, handle, application.id, clientSecret!, scopes);
  const request = (method: InjectOptions['method'], path: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
    bed.app.inject({
      method,
      url: `/t/${handle}/scim2${path}`,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/scim+json' }), ...headers },
      ...(body !== undefined && { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return { organization, owner, token, clientId: application.id, request };
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export function newUser(userName: string, extra: Record<string, unknown> = {}) {
  return { schemas: [USER_SCHEMA], userName, name: { givenName: 'Ann', familyName: 'Lee' }, ...extra };
}
