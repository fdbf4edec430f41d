// The management API for applications: CRUD with validated input, secrets shown once and
// rotatable, deletion revoking tokens, scopes enforced, organizations kept apart, OpenAPI.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createScimTestBed, scimClient, tokenFor, type ScimTestBed } from '../support/scim.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const MANAGE = ['internal_application_mgt_view', 'internal_application_mgt_create', 'internal_application_mgt_update', 'internal_application_mgt_delete'];

describe('applications management API', () => {
  let bed: ScimTestBed;
  let token: string;
  let orgId: string;
  let otherToken: string;

  beforeAll(async () => {
    bed = await createScimTestBed();
    const acme = await scimClient(bed, 'acme', [...MANAGE, 'internal_user_mgt_list']);
    token = acme.token;
    orgId = acme.organization.id;
    otherToken = (await scimClient(bed, 'globex', MANAGE)).token;
  });
  afterAll(() => bed.close());

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, bearer = token, org = 'acme'): Promise<LightMyRequestResponse> =>
    bed.app.inject({
      method,
      url: `/t/${org}/api/server/v1${path}`,
      headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });

  async function clientCredentials(clientId: string, secret: string) {
    return bed.app.inject({
      method: 'POST',
      url: '/t/acme/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      payload: 'grant_type=client_credentials&scope=internal_user_mgt_list',
    });
  }

  it('publishes an OpenAPI 3.1 description of itself', async () => {
    const res = await bed.app.inject({ method: 'GET', url: '/t/acme/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toBe('http://localhost:3000/t/acme/api');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/server/v1/applications', '/server/v1/applications/{id}', '/server/v1/applications/{id}/secret']));
    expect(doc.paths['/server/v1/applications'].post.requestBody).toBeDefined();
  });

  it('registers each kind of application, showing a secret only once and only to confidential ones', async () => {
    const spa = await api('POST', '/applications', { name: 'Shop', type: 'spa', redirectUris: ['https://shop.example/cb'] });
    expect(spa.statusCode).toBe(201);
    expect(spa.json()).toMatchObject({ name: 'Shop', type: 'spa', hasSecret: false, redirectUris: ['https://shop.example/cb'], accessRestricted: false });
    expect(spa.json().clientSecret).toBeUndefined();
    expect(spa.json().clientId).toBe(spa.json().id);
    expect(spa.headers.location).toMatch(new RegExp(`/t/acme/api/server/v1/applications/${spa.json().id}$`));

    const web = await api('POST', '/applications', { name: 'Portal', type: 'web', redirectUris: ['https://portal.example/cb'], postLogoutRedirectUris: ['https://portal.example/'] });
    expect(web.json()).toMatchObject({ type: 'web', hasSecret: true });
    expect(web.json().clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await api('GET', `/applications/${web.json().id}`);
    expect(again.json().clientSecret).toBeUndefined();

    const m2m = await api('POST', '/applications', { name: 'Sync', type: 'm2m', scopes: ['internal_user_mgt_list'] });
    expect(m2m.json()).toMatchObject({ type: 'm2m', scopes: ['internal_user_mgt_list'], hasSecret: true });
    expect((await clientCredentials(m2m.json().id, m2m.json().clientSecret)).statusCode).toBe(200);

    const list = await api('GET', '/applications');
    const names = list.json().applications.map((a: { name: string }) => a.name);
    expect(names).toEqual(expect.arrayContaining(['Console', 'My Account', 'Shop', 'Portal', 'Sync']));
  });

  it('says what is wrong with bad input, with the field', async () => {
    const missing = await api('POST', '/applications', { type: 'spa' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'request.invalid' });
    expect(missing.json().message).toMatch(/name/);
    expect(missing.json().requestId).toBe(missing.headers['x-request-id']);

    const extra = await api('POST', '/applications', { name: 'X', type: 'spa', redirectUris: ['https://x.example/cb'], color: 'red' });
    expect(extra.statusCode).toBe(400);

    const fragment = await api('POST', '/applications', { name: 'X', type: 'spa', redirectUris: ['https://x.example/cb#frag'] });
    expect(fragment.statusCode).toBe(400);
    expect(fragment.json()).toMatchObject({ code: 'application.invalid', details: { field: 'redirectUris' } });

    const scopesOnSpa = await api('POST', '/applications', { name: 'X', type: 'spa', redirectUris: ['https://x.example/cb'], scopes: ['internal_user_mgt_list'] });
    expect(scopesOnSpa.json()).toMatchObject({ code: 'application.invalid', details: { field: 'scopes' } });

    const unknownGroup = await api('POST', '/applications', { name: 'X', type: 'spa', redirectUris: ['https://x.example/cb'], allowedGroupIds: ['nope'] });
    expect(unknownGroup.json()).toMatchObject({ code: 'application.invalid', details: { field: 'allowedGroupIds' } });

    const badJson = await bed.app.inject({ method: 'POST', url: '/t/acme/api/server/v1/applications', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().code).toBe('request.invalid');
  });

  it('changes an application and restricts it to groups', async () => {
    const created = (await api('POST', '/applications', { name: 'Lounge', type: 'spa', redirectUris: ['https://lounge.example/cb'] })).json();
    const group = await bed.system.services.groups.createGroup(orgId, { displayName: 'Gold' }, SYSTEM_CONTEXT);
    const changed = await api('PATCH', `/applications/${created.id}`, { name: 'Gold lounge', allowedGroupIds: [group.group.id] });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ name: 'Gold lounge', accessRestricted: true, allowedGroupIds: [group.group.id], redirectUris: ['https://lounge.example/cb'] });
    const lifted = await api('PATCH', `/applications/${created.id}`, { allowedGroupIds: [] });
    expect(lifted.json()).toMatchObject({ accessRestricted: false, allowedGroupIds: [] });
    expect((await api('PATCH', `/applications/${created.id}`, {})).statusCode).toBe(400);
  });

  it('rotates a secret: the old one stops working and tokens issued with it are revoked', async () => {
    const created = (await api('POST', '/applications', { name: 'Rotating', type: 'm2m', scopes: ['internal_user_mgt_list'] })).json();
    const before = (await clientCredentials(created.id, created.clientSecret)).json().access_token;
    const rotated = await api('POST', `/applications/${created.id}/secret`);
    expect(rotated.statusCode).toBe(200);
    const newSecret = rotated.json().clientSecret;
    expect(newSecret).not.toBe(created.clientSecret);
    expect((await clientCredentials(created.id, created.clientSecret)).statusCode).toBe(401);
    expect((await clientCredentials(created.id, newSecret)).statusCode).toBe(200);
    const scim = await bed.app.inject({ method: 'GET', url: '/t/acme/scim2/Users', headers: { authorization: `Bearer ${before}` } });
    expect(scim.statusCode).toBe(401);
  });

  it('deletes an application and revokes its tokens; built-in ones cannot be deleted', async () => {
    const created = (await api('POST', '/applications', { name: 'Doomed', type: 'm2m', scopes: ['internal_user_mgt_list'] })).json();
    const issued = await tokenFor(bed.app, 'acme', created.id, created.clientSecret, ['internal_user_mgt_list']);
    expect((await bed.app.inject({ method: 'GET', url: '/t/acme/scim2/Users', headers: { authorization: `Bearer ${issued}` } })).statusCode).toBe(200);
    expect((await api('DELETE', `/applications/${created.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/applications/${created.id}`)).statusCode).toBe(404);
    expect((await bed.app.inject({ method: 'GET', url: '/t/acme/scim2/Users', headers: { authorization: `Bearer ${issued}` } })).statusCode).toBe(401);

    const consoleApp = (await api('GET', '/applications')).json().applications.find((a: { builtIn: string }) => a.builtIn === 'console');
    const refused = await api('DELETE', `/applications/${consoleApp.id}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('application.invalid');
    // Nor can who may use it change: the access rules of the built-in apps are fixed.
    const restricted = await api('PATCH', `/applications/${consoleApp.id}`, { accessRestricted: true });
    expect(restricted.statusCode).toBe(400);
    expect(restricted.json().message).toMatch(/access are fixed/);
  });

  it('requires a token with the right scope', async () => {
    const none = await bed.app.inject({ method: 'GET', url: '/t/acme/api/server/v1/applications' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm="acme"/);
    expect(none.json().code).toBe('auth.unauthorized');

    const reader = await scimClient(bed, 'readonly', ['internal_application_mgt_view']);
    const forbidden = await bed.app.inject({
      method: 'POST',
      url: '/t/readonly/api/server/v1/applications',
      headers: { authorization: `Bearer ${reader.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'X', type: 'spa', redirectUris: ['https://x.example/cb'] }),
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('auth.forbidden');
  });

  it('sets an application\'s allowed origins, validated, and only with the update scope (issue 11)', async () => {
    const created = await api('POST', '/applications', { name: 'Origins', type: 'spa', redirectUris: ['https://o.example/cb'], allowedOrigins: ['https://app.o.example'] });
    expect(created.statusCode).toBe(201);
    expect(created.json().allowedOrigins).toEqual(['https://app.o.example']);
    const id = created.json().id;
    const changed = await api('PATCH', `/applications/${id}`, { allowedOrigins: ['https://app.o.example', 'http://localhost:5173'] });
    expect(changed.statusCode).toBe(200);
    expect((await api('GET', `/applications/${id}`)).json().allowedOrigins).toEqual(['https://app.o.example', 'http://localhost:5173']);
    for (const bad of ['https://app.o.example/path', 'http://app.o.example', 'https://*.o.example']) {
      const refused = await api('PATCH', `/applications/${id}`, { allowedOrigins: [bad] });
      expect(refused.statusCode, bad).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'application.invalid', details: { field: 'allowedOrigins' } });
    }
    // The new origin may now call this organization from a browser; the answer names it.
    const preflight = await bed.app.inject({
      method: 'OPTIONS',
      url: '/t/acme/api/server/v1/applications',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PATCH' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:5173');

    // A caller holding only the view scope sees the origins but cannot change them.
    const viewer = await scimClient(bed, 'viewonly', ['internal_application_mgt_view']);
    const own = await registerOwn(viewer.organization.id);
    const view = await bed.app.inject({ method: 'GET', url: `/t/viewonly/api/server/v1/applications/${own}`, headers: { authorization: `Bearer ${viewer.token}` } });
    expect(view.json().allowedOrigins).toEqual([]);
    const refused = await bed.app.inject({
      method: 'PATCH',
      url: `/t/viewonly/api/server/v1/applications/${own}`,
      headers: { authorization: `Bearer ${viewer.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ allowedOrigins: ['https://x.example'] }),
    });
    expect(refused.statusCode).toBe(403);
  });

  async function registerOwn(orgId: string): Promise<string> {
    const { application } = await bed.system.services.applications.createApplication(orgId, { name: 'V', type: 'spa', redirectUris: ['https://v.example/cb'] }, SYSTEM_CONTEXT);
    return application.id;
  }

  it("keeps organizations apart: another organization's token and ids are worthless here", async () => {
    const mine = (await api('POST', '/applications', { name: 'Private', type: 'spa', redirectUris: ['https://p.example/cb'] })).json();
    expect((await api('GET', '/applications', undefined, otherToken)).statusCode).toBe(401);
    expect((await api('GET', `/applications/${mine.id}`, undefined, otherToken, 'globex')).statusCode).toBe(404);
    expect((await api('DELETE', `/applications/${mine.id}`, undefined, otherToken, 'globex')).statusCode).toBe(404);
    expect((await api('GET', `/applications/${mine.id}`)).statusCode).toBe(200);
  });
});
