// SCIM Users API: create, read, replace, patch and delete (RFC 7644 sections 3.3 to 3.6),
// with the enterprise and urn:scim:wso2:schema extensions, groups on create and projections.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, GROUP_SCHEMA, newUser, PATCH_SCHEMA, scimClient, USER_SCHEMA, type ScimTestBed } from '../support/scim.ts';
import {
  ENTERPRISE_SCHEMA,
  expectScimError,
  expectStatus,
  listOf,
  qs,
  userAccessToken,
  userSessionArtifacts,
  WSO2_SCHEMA,
  type ScimRequest,
} from './users-support.ts';

const PASSWORD = 'a long and unusual passphrase 42';

let bed: ScimTestBed;
let request: ScimRequest;
let orgId: string;
let ownerId: string;
let clientId: string;

beforeAll(async () => {
  bed = await createScimTestBed();
  const client = await scimClient(bed, 'acme');
  request = client.request;
  orgId = client.organization.id;
  ownerId = client.owner.id;
  clientId = client.clientId;
});

afterAll(async () => {
  await bed?.close();
});

async function create(userName: string, extra: Record<string, unknown> = {}) {
  const res = await request('POST', '/Users', newUser(userName, extra));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Record<string, any>;
}

async function createGroup(displayName: string): Promise<string> {
  const res = await request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

function hasKeyDeep(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((v) => hasKeyDeep(v, key));
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([k, v]) => k.toLowerCase() === key.toLowerCase() || hasKeyDeep(v, key));
}

describe('POST /Users', () => {
  it('creates a user: 201 with Location and ETag, userName in lower case, password never returned', async () => {
    const res = await request('POST', '/Users', newUser('  Grace.Hopper@ACME.test ', { password: PASSWORD, externalId: 'ext-grace' }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    const body = res.json();
    expect(body.userName).toBe('grace.hopper@acme.test');
    expect(body.schemas).toContain(USER_SCHEMA);
    expect(body.id).toMatch(/\S/);
    expect(body.externalId).toBe('ext-grace');
    expect(body.name).toMatchObject({ givenName: 'Ann', familyName: 'Lee' });
    expect(body.active).toBe(true);
    expect(body.emails).toEqual([{ value: 'grace.hopper@acme.test', type: 'work', primary: true }]);
    expect(body.groups).toEqual([]);
    expect(hasKeyDeep(body, 'password')).toBe(false);
    expect(res.body).not.toContain(PASSWORD);
    expect(body.meta.resourceType).toBe('User');
    expect(body.meta.location).toBe(`http://localhost:3000/t/acme/scim2/Users/${body.id}`);
    expect(res.headers.location).toBe(body.meta.location);
    expect(res.headers.etag).toBe(body.meta.version);
    expect(body.meta.version).toMatch(/^W\/".+"$/);
    expect(Date.parse(body.meta.created)).not.toBeNaN();
    expect(body.meta.lastModified).toBe(body.meta.created);

    // The password works as one: it was stored, just never shown.
    expect(await bed.system.services.users.verifyPassword(orgId, body.id, PASSWORD)).toBe(true);
    const read = expectStatus(await request('GET', `/Users/${body.id}`), 200);
    expect(hasKeyDeep(read.json(), 'password')).toBe(false);
    const listed = listOf(await request('GET', `/Users${qs({ filter: 'userName eq "grace.hopper@acme.test"' })}`));
    expect(listed.Resources).toHaveLength(1);
    expect(hasKeyDeep(listed.Resources[0], 'password')).toBe(false);
    const asked = listOf(await request('GET', `/Users${qs({ filter: 'userName eq "grace.hopper@acme.test"', attributes: 'password,userName' })}`));
    expect(hasKeyDeep(asked.Resources[0], 'password')).toBe(false);
  });

  it('reads attribute names in any case', async () => {
    const res = await request('POST', '/Users', {
      SCHEMAS: [USER_SCHEMA],
      USERNAME: 'Casing@Acme.Test',
      Name: { GIVENNAME: 'Cas', familyname: 'Ing' },
      EMAILS: [{ VALUE: 'casing.home@example.org', Type: 'home' }],
      'URN:SCIM:WSO2:SCHEMA': { EmailVerified: true },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.userName).toBe('casing@acme.test');
    expect(body.name).toMatchObject({ givenName: 'Cas', familyName: 'Ing' });
    expect(body.emails).toContainEqual({ value: 'casing.home@example.org', type: 'home', primary: false });
    expect(body[WSO2_SCHEMA].emailVerified).toBe(true);
  });

  it('refuses id and meta in the body with 400 mutability', async () => {
    expectScimError(await request('POST', '/Users', newUser('with-id@acme.test', { id: 'chosen-id' })), 400, 'mutability');
    expectScimError(await request('POST', '/Users', newUser('with-meta@acme.test', { meta: { version: 'W/"7"' } })), 400, 'mutability');
    expectScimError(await request('POST', '/Users', newUser('with-meta@acme.test', { meta: { resourceType: 'User', created: '2020-01-01T00:00:00Z' } })), 400, 'mutability');
    const none = listOf(await request('GET', `/Users${qs({ filter: 'userName sw "with-"' })}`));
    expect(none.totalResults).toBe(0);
    // Entra ID sends the resource's own type with every create: that sets nothing and is accepted.
    const entra = await request('POST', '/Users', newUser('with-type@acme.test', { meta: { resourceType: 'User' } }));
    expect(entra.statusCode, entra.body).toBe(201);
    expect(entra.json().meta.resourceType).toBe('User');
  });

  it('refuses a missing userName, an invalid email and wrong JSON types with 400 invalidValue', async () => {
    expectScimError(await request('POST', '/Users', { schemas: [USER_SCHEMA], name: { givenName: 'No' } }), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('')), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('not-an-email')), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('two@@acme.test')), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('ok1@acme.test', { emails: [{ value: 'nope', type: 'home' }] })), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 42 }), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('ok2@acme.test', { active: 'yes' })), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('ok3@acme.test', { emails: 'ok3@acme.test' })), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('ok4@acme.test', { name: 'Ann Lee' })), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('ok5@acme.test', { displayName: ['x'] })), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('ok6@acme.test', { [WSO2_SCHEMA]: { accountLocked: 3 } })), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('ok7@acme.test', { password: 12345678 })), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('ok8@acme.test', { password: 'short' })), 400, 'invalidValue');
    const none = listOf(await request('GET', `/Users${qs({ filter: 'userName sw "ok"' })}`));
    expect(none.totalResults).toBe(0);
  });

  it('refuses a userName that exists in another letter case with 409 uniqueness', async () => {
    const first = await create('dup@acme.test');
    expectScimError(await request('POST', '/Users', newUser('DUP@Acme.Test')), 409, 'uniqueness');
    expectScimError(await request('POST', '/Users', newUser(' dup@acme.test ')), 409, 'uniqueness');
    const list = listOf(await request('GET', `/Users${qs({ filter: 'userName eq "dup@acme.test"' })}`));
    expect(list.Resources.map((u) => u.id)).toEqual([first.id]);
  });

  it('keeps the enterprise extension', async () => {
    const manager = await create('enterprise-manager@acme.test', { displayName: 'Mia Manager' });
    const enterprise = { employeeNumber: '701984', costCenter: '4130', organization: 'Universal Studios', division: 'Theme Park', department: 'Tour Operations', manager: { value: manager.id } };
    const body = await create('enterprise@acme.test', { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], [ENTERPRISE_SCHEMA]: enterprise });
    expect(body.schemas).toContain(ENTERPRISE_SCHEMA);
    // The manager's $ref and displayName are derived when the user is read.
    const shown = { ...enterprise, manager: { value: manager.id, $ref: manager.meta.location, displayName: 'Mia Manager' } };
    expect(body[ENTERPRISE_SCHEMA]).toEqual(shown);
    const read = expectStatus(await request('GET', `/Users/${body.id}`), 200).json();
    expect(read[ENTERPRISE_SCHEMA]).toEqual(shown);
  });

  it('invites with askPassword: the account is PENDING and has no password', async () => {
    const body = await create('invited@acme.test', { [WSO2_SCHEMA]: { askPassword: true } });
    expect(body[WSO2_SCHEMA]).toMatchObject({ accountState: 'PENDING', accountLocked: false, emailVerified: false });
    expect(body[WSO2_SCHEMA].askPassword).toBeUndefined();
    expect(body.active).toBe(true);
    expect(await bed.system.repos.credentials.findPassword(orgId, body.id)).toBeUndefined();
    // Both a password and askPassword is a contradiction.
    expectScimError(
      await request('POST', '/Users', newUser('both@acme.test', { password: PASSWORD, [WSO2_SCHEMA]: { askPassword: true } })),
      400,
      'invalidValue',
    );
  });

  it('creates locked and email-verified accounts from the wso2 extension', async () => {
    const locked = await create('locked@acme.test', { [WSO2_SCHEMA]: { accountLocked: true } });
    expect(locked[WSO2_SCHEMA]).toMatchObject({ accountLocked: true, accountState: 'LOCKED' });
    const verified = await create('verified@acme.test', { [WSO2_SCHEMA]: { emailVerified: true } });
    expect(verified[WSO2_SCHEMA]).toMatchObject({ emailVerified: true, accountLocked: false, accountState: 'ACTIVE' });
    // Entra-style strings for booleans.
    const entra = await create('entra@acme.test', { active: 'False', [WSO2_SCHEMA]: { emailVerified: 'True' } });
    expect(entra.active).toBe(false);
    expect(entra[WSO2_SCHEMA]).toMatchObject({ emailVerified: true, accountState: 'DISABLED' });
  });

  it('joins the groups named on create in the same transaction', async () => {
    const staff = await createGroup('Staff');
    const admins = await createGroup('Admins');
    const body = await create('member@acme.test', { groups: [{ value: staff }, { value: admins }, { value: staff }] });
    expect(body.groups.map((g: { value: string }) => g.value).sort()).toEqual([staff, admins].sort());
    expect(body.groups.find((g: { value: string }) => g.value === staff)).toMatchObject({
      display: 'Staff',
      $ref: `http://localhost:3000/t/acme/scim2/Groups/${staff}`,
    });
    expect(await bed.system.repos.groups.listMemberIds(orgId, staff)).toContain(body.id);
  });

  it('creates nothing when a group on create does not exist (400, user not created)', async () => {
    const staff = await createGroup('Temporary');
    const res = await request('POST', '/Users', newUser('orphan@acme.test', { groups: [{ value: staff }, { value: 'no-such-group' }] }));
    expectScimError(res, 400, 'invalidValue');
    expect(res.json().detail).toContain('no-such-group');
    expect(await bed.system.repos.users.findByUserName(orgId, 'orphan@acme.test')).toBeUndefined();
    expect(await bed.system.repos.groups.listMemberIds(orgId, staff)).toEqual([]);
    // And the name is free: nothing half-created is in the way.
    await create('orphan@acme.test', { groups: [{ value: staff }] });
  });

  it("refuses another organization's group id on create", async () => {
    const other = await scimClient(bed, 'globex');
    const res = await other.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Globex staff' });
    expect(res.statusCode).toBe(201);
    expectScimError(await request('POST', '/Users', newUser('crossgroup@acme.test', { groups: [{ value: res.json().id }] })), 400, 'invalidValue');
    expect(await bed.system.repos.users.findByUserName(orgId, 'crossgroup@acme.test')).toBeUndefined();
  });
});

describe('GET /Users/{id}', () => {
  it('reads a user with its ETag', async () => {
    const created = await create('reader@acme.test');
    const res = expectStatus(await request('GET', `/Users/${created.id}`), 200);
    expect(res.json()).toEqual(created);
    expect(res.headers.etag).toBe(created.meta.version);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  });

  it('answers 404 in the SCIM shape for an unknown id', async () => {
    expectScimError(await request('GET', '/Users/00000000-0000-0000-0000-000000000000'), 404);
    expectScimError(await request('GET', '/Users/not-a-uuid'), 404);
    // A long made-up id too: the SCIM 404, not the HTTP layer's 414.
    expectScimError(await request('GET', `/Users/${'x'.repeat(300)}`), 404);
    expectScimError(await request('DELETE', `/Groups/${'y'.repeat(300)}`), 404);
  });

  it('applies attributes and excludedAttributes', async () => {
    const created = await create('projected@acme.test', {
      displayName: 'Projected One',
      emails: [{ value: 'projected.home@example.org', type: 'home' }],
      [ENTERPRISE_SCHEMA]: { department: 'R&D', costCenter: '7' },
    });
    const only = expectStatus(await request('GET', `/Users/${created.id}${qs({ attributes: 'displayName' })}`), 200).json();
    // id, schemas and userName (returned "always") stay.
    expect(Object.keys(only).sort()).toEqual(['displayName', 'id', 'schemas', 'userName']);
    expect(only.displayName).toBe('Projected One');

    const sub = expectStatus(await request('GET', `/Users/${created.id}${qs({ attributes: 'name.familyName,emails.value' })}`), 200).json();
    expect(sub.name).toEqual({ familyName: 'Lee' });
    expect(sub.emails).toEqual([{ value: 'projected@acme.test' }, { value: 'projected.home@example.org' }]);
    expect(sub.meta).toBeUndefined();

    const caseless = expectStatus(await request('GET', `/Users/${created.id}${qs({ attributes: 'DISPLAYNAME' })}`), 200).json();
    expect(caseless.displayName).toBe('Projected One');

    const qualified = expectStatus(
      await request('GET', `/Users/${created.id}${qs({ attributes: `${USER_SCHEMA}:name.givenName,${ENTERPRISE_SCHEMA}:department,${WSO2_SCHEMA}:accountState` })}`),
      200,
    ).json();
    expect(qualified.name).toEqual({ givenName: 'Ann' });
    expect(qualified[ENTERPRISE_SCHEMA]).toEqual({ department: 'R&D' });
    expect(qualified[WSO2_SCHEMA]).toEqual({ accountState: 'ACTIVE' });
    expect(qualified.emails).toBeUndefined();

    const without = expectStatus(await request('GET', `/Users/${created.id}${qs({ excludedAttributes: 'emails,groups,meta,name.givenName' })}`), 200).json();
    expect(without.emails).toBeUndefined();
    expect(without.groups).toBeUndefined();
    expect(without.meta).toBeUndefined();
    expect(without.name).toEqual({ familyName: 'Lee', formatted: 'Ann Lee' });
    expect(without.displayName).toBe('Projected One');

    // Attributes returned "always" cannot be excluded.
    const always = expectStatus(await request('GET', `/Users/${created.id}${qs({ excludedAttributes: 'id,userName,schemas' })}`), 200).json();
    expect(always).toMatchObject({ id: created.id, userName: 'projected@acme.test' });
    expect(always.schemas).toContain(USER_SCHEMA);
  });

  it('applies attributes and excludedAttributes to lists', async () => {
    const filter = 'userName eq "projected@acme.test"';
    const only = listOf(await request('GET', `/Users${qs({ filter, attributes: 'userName' })}`));
    expect(Object.keys(only.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
    const without = listOf(await request('GET', `/Users${qs({ filter, excludedAttributes: 'groups,emails' })}`));
    expect(without.Resources[0].emails).toBeUndefined();
    expect(without.Resources[0].groups).toBeUndefined();
    expect(without.Resources[0].meta).toBeDefined();
    const searched = listOf(await request('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter, attributes: ['displayName'] }));
    expect(Object.keys(searched.Resources[0]).sort()).toEqual(['displayName', 'id', 'schemas', 'userName']);
    expectScimError(await request('GET', `/Users${qs({ filter, attributes: 'userName', excludedAttributes: 'emails' })}`), 400, 'invalidValue');
  });
});

describe('PUT /Users/{id}', () => {
  it('replaces every attribute: what is not sent is cleared', async () => {
    const staff = await createGroup('Replace staff');
    const created = await create('replaced@acme.test', {
      externalId: 'ext-r',
      displayName: 'Shown Name',
      emails: [{ value: 'replaced.home@example.org', type: 'home' }],
      [ENTERPRISE_SCHEMA]: { department: 'Sales' },
      [WSO2_SCHEMA]: { emailVerified: true },
      groups: [{ value: staff }],
    });
    const res = await request('PUT', `/Users/${created.id}`, { schemas: [USER_SCHEMA], userName: 'Replaced@Acme.Test', name: { givenName: 'Rita' } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.id).toBe(created.id);
    expect(body.userName).toBe('replaced@acme.test');
    expect(body.name).toEqual({ givenName: 'Rita', formatted: 'Rita' });
    expect(body.displayName).toBe('Rita');
    expect(body.externalId).toBeUndefined();
    expect(body.emails).toEqual([{ value: 'replaced@acme.test', type: 'work', primary: true }]);
    expect(body[ENTERPRISE_SCHEMA]).toBeUndefined();
    expect(body.schemas).not.toContain(ENTERPRISE_SCHEMA);
    expect(body[WSO2_SCHEMA].emailVerified).toBe(false);
    // groups is read-only on a user: PUT leaves memberships alone.
    expect(body.groups.map((g: { value: string }) => g.value)).toEqual([staff]);
    expect(body.meta.created).toBe(created.meta.created);
    expect(body.meta.version).not.toBe(created.meta.version);
    expect(res.headers.etag).toBe(body.meta.version);
    expect(Date.parse(body.meta.lastModified)).toBeGreaterThanOrEqual(Date.parse(created.meta.lastModified));
    const read = expectStatus(await request('GET', `/Users/${created.id}`), 200).json();
    expect(read).toEqual(body);
  });

  it('refuses to change userName or id (400 mutability) and changes nothing', async () => {
    const created = await create('immutable@acme.test');
    expectScimError(await request('PUT', `/Users/${created.id}`, newUser('renamed@acme.test', { name: { givenName: 'X' } })), 400, 'mutability');
    expectScimError(await request('PUT', `/Users/${created.id}`, newUser('immutable@acme.test', { id: 'another-id' })), 400, 'mutability');
    const read = expectStatus(await request('GET', `/Users/${created.id}`), 200).json();
    expect(read).toEqual(created);
    expect(await bed.system.repos.users.findByUserName(orgId, 'renamed@acme.test')).toBeUndefined();
  });

  it('refuses bad values and unknown ids', async () => {
    const created = await create('put-bad@acme.test');
    expectScimError(await request('PUT', `/Users/${created.id}`, { schemas: [USER_SCHEMA] }), 400, 'invalidValue');
    expectScimError(await request('PUT', `/Users/${created.id}`, newUser('put-bad@acme.test', { emails: [{ value: 'bad' }] })), 400, 'invalidValue');
    expectScimError(await request('PUT', '/Users/00000000-0000-0000-0000-000000000000', newUser('ghost@acme.test')), 404);
  });

  it('sets a password and disables through PUT', async () => {
    const created = await create('put-active@acme.test');
    const res = await request('PUT', `/Users/${created.id}`, newUser('put-active@acme.test', { active: false, password: PASSWORD }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().active).toBe(false);
    expect(res.json()[WSO2_SCHEMA].accountState).toBe('DISABLED');
    expect(hasKeyDeep(res.json(), 'password')).toBe(false);
    expect(await bed.system.services.users.verifyPassword(orgId, created.id, PASSWORD)).toBe(true);
  });
});

describe('PATCH /Users/{id}', () => {
  it('deprovisions as Entra ID does: active "False" disables and revokes sessions and tokens at once', async () => {
    const created = await create('leaver@acme.test', { password: PASSWORD });
    const artifacts = await userSessionArtifacts(bed, orgId, created.id);
    const token = await userAccessToken(bed, 'acme', clientId, created.id, ['internal_user_mgt_view']);
    const asUser = (path: string) => bed.app.inject({ method: 'GET', url: `/t/acme/scim2${path}`, headers: { authorization: `Bearer ${token}` } });
    expect((await asUser(`/Users/${created.id}`)).statusCode).toBe(200);
    // Someone else's artifacts are not touched.
    const bystander = await create('stayer@acme.test');
    const bystanderArtifacts = await userSessionArtifacts(bed, orgId, bystander.id);

    const res = await request('PATCH', `/Users/${created.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().active).toBe(false);
    expect(res.json()[WSO2_SCHEMA].accountState).toBe('DISABLED');
    expect(res.headers.etag).toBe(res.json().meta.version);

    expect(await artifacts.remaining()).toEqual([]);
    expect(await bystanderArtifacts.remaining()).toEqual(['Session', 'Grant', 'RefreshToken']);
    const refused = await asUser(`/Users/${created.id}`);
    expectScimError(refused, 401);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer /);
    // The provisioning client's own token is unaffected.
    expectStatus(await request('GET', `/Users/${created.id}`), 200);

    // Entra re-enables the same way.
    const back = await request('PATCH', `/Users/${created.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().active).toBe(true);
    expect(back.json()[WSO2_SCHEMA].accountState).toBe('ACTIVE');
  });

  it('locking a user through the wso2 extension also ends their sessions', async () => {
    const created = await create('lockme@acme.test');
    const artifacts = await userSessionArtifacts(bed, orgId, created.id);
    const res = await request('PATCH', `/Users/${created.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: `${WSO2_SCHEMA}:accountLocked`, value: true }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()[WSO2_SCHEMA]).toMatchObject({ accountLocked: true, accountState: 'LOCKED' });
    expect(res.json().active).toBe(true);
    expect(await artifacts.remaining()).toEqual([]);
  });

  it('an invited user locked before accepting goes back to PENDING when unlocked, never ACTIVE without a password', async () => {
    const invited = await create('locked.invitee@acme.test', { [WSO2_SCHEMA]: { askPassword: true } });
    const lock = (value: boolean) =>
      request('PATCH', `/Users/${invited.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: `${WSO2_SCHEMA}:accountLocked`, value }] });
    expect((await lock(true)).json()[WSO2_SCHEMA].accountState).toBe('LOCKED');
    const unlocked = await lock(false);
    expect(unlocked.statusCode, unlocked.body).toBe(200);
    expect(unlocked.json()[WSO2_SCHEMA].accountState).toBe('PENDING');
    // Disabling and enabling again does the same.
    await request('PATCH', `/Users/${invited.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] });
    const enabled = await request('PATCH', `/Users/${invited.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: true }] });
    expect(enabled.json()[WSO2_SCHEMA].accountState).toBe('PENDING');
    // A user with a password is simply active again.
    const established = await create('locked.established@acme.test', { password: PASSWORD });
    await request('PATCH', `/Users/${established.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: `${WSO2_SCHEMA}:accountLocked`, value: true }] });
    const back = await request('PATCH', `/Users/${established.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: `${WSO2_SCHEMA}:accountLocked`, value: false }] });
    expect(back.json()[WSO2_SCHEMA].accountState).toBe('ACTIVE');
  });

  it('a displayName shown from the names keeps following them after a PATCH of the names', async () => {
    const created = await create('follows.names@acme.test', { name: { givenName: 'Ada', familyName: 'Byron' } });
    expect(created.displayName).toBe('Ada Byron');
    const rename = (path: string, value: string) =>
      request('PATCH', `/Users/${created.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path, value }] });
    expect((await rename('name.familyName', 'Lovelace')).json().displayName).toBe('Ada Lovelace');
    expect((await rename('name.givenName', 'Augusta')).json().displayName).toBe('Augusta Lovelace');
    // One set on purpose is kept.
    expect((await rename('displayName', 'The Countess')).json().displayName).toBe('The Countess');
    expect((await rename('name.givenName', 'Ada')).json().displayName).toBe('The Countess');
  });

  it('changes attributes without touching the others', async () => {
    const created = await create('patched@acme.test', { externalId: 'keep-me', emails: [{ value: 'patched.home@example.org', type: 'home' }] });
    const res = await request('PATCH', `/Users/${created.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'replace', path: 'name.familyName', value: 'Patched' },
        { op: 'add', value: { displayName: 'P. Atched' } },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.name).toMatchObject({ givenName: 'Ann', familyName: 'Patched' });
    expect(body.displayName).toBe('P. Atched');
    expect(body.externalId).toBe('keep-me');
    expect(body.emails.map((e: { value: string }) => e.value)).toEqual(['patched@acme.test', 'patched.home@example.org']);
  });

  it('refuses a userName change through PATCH (400 mutability)', async () => {
    const created = await create('patch-name@acme.test');
    expectScimError(
      await request('PATCH', `/Users/${created.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'userName', value: 'other@acme.test' }] }),
      400,
      'mutability',
    );
    expect(expectStatus(await request('GET', `/Users/${created.id}`), 200).json().userName).toBe('patch-name@acme.test');
  });

  it('answers 404 for an unknown id', async () => {
    expectScimError(
      await request('PATCH', '/Users/00000000-0000-0000-0000-000000000000', { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] }),
      404,
    );
  });
});

describe('DELETE /Users/{id}', () => {
  it('deletes completely: 204, then 404; memberships, sessions and tokens gone; the email can be reused with a new id', async () => {
    const staff = await createGroup('Delete staff');
    const created = await create('gone@acme.test', { password: PASSWORD, groups: [{ value: staff }] });
    const artifacts = await userSessionArtifacts(bed, orgId, created.id);
    expect(await bed.system.repos.groups.listMemberIds(orgId, staff)).toEqual([created.id]);

    const res = await request('DELETE', `/Users/${created.id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe('');

    expectScimError(await request('GET', `/Users/${created.id}`), 404);
    expectScimError(await request('DELETE', `/Users/${created.id}`), 404);
    expectScimError(await request('PUT', `/Users/${created.id}`, newUser('gone@acme.test')), 404);
    expect(await bed.system.repos.groups.listMemberIds(orgId, staff)).toEqual([]);
    expect(await artifacts.remaining()).toEqual([]);
    expect(await bed.system.repos.credentials.findPassword(orgId, created.id)).toBeUndefined();
    const group = expectStatus(await request('GET', `/Groups/${staff}`), 200).json();
    expect(group.members ?? []).toEqual([]);
    expect(listOf(await request('GET', `/Users${qs({ filter: 'emails co "gone@acme.test"' })}`)).totalResults).toBe(0);

    const again = await create('gone@acme.test');
    expect(again.id).not.toBe(created.id);
    expect(again.groups).toEqual([]);
    expect(again.meta.version).toBe('W/"1"');
    expect(await bed.system.services.users.verifyPassword(orgId, again.id, PASSWORD)).toBe(false);
  });

  it("refuses to delete the organization's owner", async () => {
    expectScimError(await request('DELETE', `/Users/${ownerId}`), 403);
    expectStatus(await request('GET', `/Users/${ownerId}`), 200);
  });
});
