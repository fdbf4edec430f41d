// SCIM Users API: bearer tokens, scopes and isolation between organizations.

import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, newUser, PATCH_SCHEMA, scimClient, tokenFor, type ScimTestBed } from '../support/scim.ts';
import { registerApplication } from '../support/relying-party.ts';
import { expectScimError, expectStatus, listOf, qs, SEARCH_SCHEMA, userAccessToken } from './users-support.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let bed: ScimTestBed;
let acme: Awaited<ReturnType<typeof scimClient>>;
let globex: Awaited<ReturnType<typeof scimClient>>;
let acmeUser: { id: string; userName: string };
let globexUser: { id: string; userName: string };

beforeAll(async () => {
  bed = await createScimTestBed();
  acme = await scimClient(bed, 'acme');
  globex = await scimClient(bed, 'globex');
  const a = await acme.request('POST', '/Users', newUser('shared@example.test'));
  const g = await globex.request('POST', '/Users', newUser('shared@example.test', { name: { givenName: 'Globex', familyName: 'Only' } }));
  expect(a.statusCode).toBe(201);
  expect(g.statusCode).toBe(201);
  acmeUser = a.json();
  globexUser = g.json();
});

afterAll(async () => {
  await bed?.close();
});

function call(handle: string, method: Method, path: string, authorization?: string, body?: unknown): Promise<LightMyRequestResponse> {
  return bed.app.inject({
    method,
    url: `/t/${handle}/scim2${path}`,
    headers: { ...(authorization !== undefined && { authorization }), ...(body !== undefined && { 'content-type': 'application/scim+json' }) },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  });
}

/** A token of a further application of an organization, holding only the given scopes. */
async function tokenWith(orgId: string, handle: string, scopes: string[]): Promise<string> {
  const { application, clientSecret } = await registerApplication(bed.system, orgId, { type: 'm2m', scopes });
  return tokenFor(bed.app, handle, application.id, clientSecret!, scopes);
}

const patch = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'Patched' }] };

/** Every Users endpoint, with the scope it needs. */
function endpoints(id: string, fresh: string): Array<{ method: Method; path: string; body?: unknown; scope: string; ok: number }> {
  return [
    { method: 'GET', path: '/Users', scope: 'internal_user_mgt_list', ok: 200 },
    { method: 'POST', path: '/Users/.search', body: { schemas: [SEARCH_SCHEMA], filter: 'userName pr' }, scope: 'internal_user_mgt_list', ok: 200 },
    { method: 'GET', path: `/Users/${id}`, scope: 'internal_user_mgt_view', ok: 200 },
    { method: 'POST', path: '/Users', body: newUser(fresh), scope: 'internal_user_mgt_create', ok: 201 },
    { method: 'PUT', path: `/Users/${id}`, body: newUser('shared@example.test', { displayName: 'Put' }), scope: 'internal_user_mgt_update', ok: 200 },
    { method: 'PATCH', path: `/Users/${id}`, body: patch, scope: 'internal_user_mgt_update', ok: 200 },
    { method: 'DELETE', path: `/Users/${id}`, scope: 'internal_user_mgt_delete', ok: 204 },
  ];
}

describe('authentication', () => {
  it('no token: 401 with a Bearer challenge, on every endpoint', async () => {
    for (const e of endpoints(acmeUser.id, 'nobody@example.test')) {
      const res = await call('acme', e.method, e.path, undefined, e.body);
      expectScimError(res, 401);
      expect(res.headers['www-authenticate'], `${e.method} ${e.path}`).toMatch(/^Bearer realm="acme"/);
    }
    expect(await bed.system.repos.users.findByUserName(acme.organization.id, 'nobody@example.test')).toBeUndefined();
  });

  it('a garbage or malformed token: 401 invalid_token', async () => {
    for (const authorization of ['Bearer garbage', 'Bearer eyJhbGciOiJub25lIn0.e30.', `Bearer ${acme.token}x`, 'Bearer', 'Bearer a b', `Basic ${Buffer.from('a:b').toString('base64')}`, acme.token]) {
      const res = await call('acme', 'GET', '/Users', authorization);
      expectScimError(res, 401);
      expect(res.headers['www-authenticate'], authorization).toMatch(/^Bearer /);
    }
    const res = await call('acme', 'GET', '/Users', 'Bearer garbage');
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('a valid token in the query string is not accepted: 401 (RFC 7644 section 7.4: tokens stay out of URLs and logs)', async () => {
    expectScimError(await call('acme', 'GET', `/Users${qs({ access_token: acme.token })}`), 401);
    expectStatus(await call('acme', 'GET', '/Users', `Bearer ${acme.token}`), 200);
  });

  it('the scheme name is case-insensitive', async () => {
    expectStatus(await call('acme', 'GET', '/Users', `bearer ${acme.token}`), 200);
  });

  it("another organization's token: 401", async () => {
    for (const e of endpoints(acmeUser.id, 'intruder@example.test')) {
      const res = await call('acme', e.method, e.path, `Bearer ${globex.token}`, e.body);
      expectScimError(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    }
    expect(expectStatus(await acme.request('GET', `/Users/${acmeUser.id}`), 200).json().displayName).not.toBe('Put');
    expect(await bed.system.repos.users.findByUserName(acme.organization.id, 'intruder@example.test')).toBeUndefined();
  });

  it("a user's access token of another organization: 401", async () => {
    const token = await userAccessToken(bed, 'globex', globex.clientId, globexUser.id, ['internal_user_mgt_list']);
    expectStatus(await call('globex', 'GET', '/Users', `Bearer ${token}`), 200);
    expectScimError(await call('acme', 'GET', '/Users', `Bearer ${token}`), 401);
  });

  it('an unknown organization: 404 in the SCIM shape', async () => {
    expectScimError(await call('no-such-org', 'GET', '/Users', `Bearer ${acme.token}`), 404);
  });
});

describe('scopes', () => {
  it('each endpoint needs its own scope: 403 without it, success with it', async () => {
    const all = ['internal_user_mgt_list', 'internal_user_mgt_view', 'internal_user_mgt_create', 'internal_user_mgt_update', 'internal_user_mgt_delete'];
    const tokens = new Map<string, string>();
    for (const scope of all) tokens.set(scope, await tokenWith(acme.organization.id, 'acme', [scope]));
    const groupsOnly = await tokenWith(acme.organization.id, 'acme', ['internal_group_mgt_view', 'internal_login']);

    let serial = 0;
    for (const scope of all) {
      // A user of its own for each round, as the last endpoint deletes it.
      const target = expectStatus(await acme.request('POST', '/Users', newUser('shared2@example.test')), 201).json();
      for (const e of endpoints(target.id, `fresh${++serial}@example.test`)) {
        const body = e.method === 'PUT' ? newUser('shared2@example.test', { displayName: 'Put' }) : e.body;
        const res = await call('acme', e.method, e.path, `Bearer ${tokens.get(scope)}`, body);
        if (e.scope === scope) expect(res.statusCode, `${scope}: ${e.method} ${e.path} ${res.body}`).toBe(e.ok);
        else {
          const error = expectScimError(res, 403);
          expect(error.detail).toContain(e.scope);
        }
        expectScimError(await call('acme', e.method, e.path, `Bearer ${groupsOnly}`, body), 403);
      }
      if (scope !== 'internal_user_mgt_delete') expect((await acme.request('DELETE', `/Users/${target.id}`)).statusCode).toBe(204);
    }
    // Only the create-scoped token created anyone.
    const created = listOf(await acme.request('GET', `/Users${qs({ filter: 'userName sw "fresh"' })}`));
    expect(created.totalResults).toBe(1);
  });

  it('a missing scope is reported before whether the user exists', async () => {
    const listOnly = await tokenWith(acme.organization.id, 'acme', ['internal_user_mgt_list']);
    expectScimError(await call('acme', 'GET', '/Users/00000000-0000-0000-0000-000000000000', `Bearer ${listOnly}`), 403);
    expectScimError(await call('acme', 'DELETE', '/Users/00000000-0000-0000-0000-000000000000', `Bearer ${listOnly}`), 403);
  });

  it("a user's token acts within the user's scopes", async () => {
    const token = await userAccessToken(bed, 'acme', acme.clientId, acme.owner.id, ['internal_user_mgt_view']);
    expectStatus(await call('acme', 'GET', `/Users/${acmeUser.id}`, `Bearer ${token}`), 200);
    expectScimError(await call('acme', 'GET', '/Users', `Bearer ${token}`), 403);
  });
});

describe('isolation between organizations', () => {
  it("another organization's user id is 404 for every verb, and that user is untouched", async () => {
    expectScimError(await acme.request('GET', `/Users/${globexUser.id}`), 404);
    expectScimError(await acme.request('PUT', `/Users/${globexUser.id}`, newUser('shared@example.test', { displayName: 'Hijacked' })), 404);
    expectScimError(await acme.request('PATCH', `/Users/${globexUser.id}`, patch), 404);
    expectScimError(await acme.request('DELETE', `/Users/${globexUser.id}`), 404);
    expectScimError(await acme.request('DELETE', `/Users/${globexUser.id}`, undefined, { 'if-match': '*' }), 404);
    const untouched = expectStatus(await globex.request('GET', `/Users/${globexUser.id}`), 200).json();
    expect(untouched).toEqual(globexUser);
  });

  it("lists and filters never show another organization's users", async () => {
    const filters = [`id eq "${globexUser.id}"`, 'name.givenName eq "Globex"', 'userName eq "shared@example.test"', 'emails co "globex"'];
    for (const filter of filters) {
      const list = listOf(await acme.request('GET', `/Users${qs({ filter })}`));
      expect(list.Resources.map((r) => r.id)).not.toContain(globexUser.id);
    }
    const everyone = listOf(await acme.request('GET', `/Users${qs({ count: 1000 })}`));
    expect(everyone.Resources.every((r) => !String(r.userName).endsWith('globex.test'))).toBe(true);
    expect(everyone.Resources.map((r) => r.id)).not.toContain(globexUser.id);
    // The same userName exists once in each organization.
    const same = listOf(await globex.request('GET', `/Users${qs({ filter: 'userName eq "shared@example.test"' })}`));
    expect(same.Resources.map((r) => r.id)).toEqual([globexUser.id]);
  });

  it("a cursor of one organization's list reveals nothing in another's", async () => {
    for (let i = 0; i < 3; i++) expectStatus(await globex.request('POST', '/Users', newUser(`g${i}@globex.test`)), 201);
    const page = listOf(await globex.request('GET', `/Users${qs({ cursor: '', count: 1, sortBy: 'userName' })}`));
    const list = await acme.request('GET', `/Users${qs({ cursor: page.nextCursor!, count: 1, sortBy: 'userName' })}`);
    // Either refused, or a page of acme's own users only.
    if (list.statusCode === 200) for (const r of listOf(list).Resources) expect(String(r.userName).endsWith('globex.test')).toBe(false);
    else expectScimError(list, 400, 'invalidCursor');
  });
});
