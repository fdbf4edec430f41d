// Attacks pinned (issue 10 item 1): a caller holding only `internal_user_mgt_update` (another
// administrator, or an application with client credentials) could set the owner's password and
// sign in as the owner, disable the owner, delete another administrator through SCIM, or take
// over a pending administrator's invitation. Administrators, the owner among them, are the
// owner's alone to manage; oneself goes through /Me. Every refusal is a 403 that names the rule,
// and writes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createScimTestBed, PATCH_SCHEMA, scimClient, tokenFor, type ScimTestBed } from '../support/scim.ts';
import { OWNER_PASSWORD } from '../support/system.ts';
import { registerApplication } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import type { Organization } from '../../src/repos/organization-repo.ts';
import { expectScimError, userAccessToken } from './users-support.ts';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const ADMIN_PASSWORD = 'staff keys on a brass ring 4';
const OWNER_RULE = "Only the organization's owner may change the owner's account";
const ADMINS_RULE = "Only the organization's owner may create, change, disable, delete or re-invite administrators";

let bed: ScimTestBed;
let organization: Organization;
let ownerId: string;
let adminId: string;
let otherAdminId: string;
let pendingAdminId: string;
let customerId: string;
let tokens: { owner: string; admin: string; updateOnlyApp: string; deleteOnlyApp: string };

const replacePassword = (value: string) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value }] });
const replaceActive = (value: boolean) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: value } }] });
const replaceName = (givenName: string) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'name.givenName', value: givenName }] });

function call(token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> {
  return bed.app.inject({
    method,
    url: `/t/acme${url}`,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': url.startsWith('/scim2') ? 'application/scim+json' : 'application/json' }) },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  });
}

async function versionOf(id: string) {
  return (await bed.system.repos.users.findById(organization.id, id))?.version;
}

beforeAll(async () => {
  bed = await createScimTestBed();
  const acme = await scimClient(bed, 'acme', ['internal_user_mgt_update']);
  organization = acme.organization;
  ownerId = acme.owner.id;
  const { users, administrators } = bed.system.services;
  const admin = await users.createUser(organization, { userName: 'admin@acme.test', password: ADMIN_PASSWORD, administrator: true }, SYSTEM_CONTEXT);
  const other = await users.createUser(organization, { userName: 'other-admin@acme.test', password: ADMIN_PASSWORD, administrator: true }, SYSTEM_CONTEXT);
  const pending = await administrators.inviteAdministrator(organization, ownerId, { email: 'pending-admin@acme.test', delivery: 'link' }, SYSTEM_CONTEXT);
  const customer = await users.createUser(organization, { userName: 'customer@acme.test', password: 'plum tree in the garden 9' }, SYSTEM_CONTEXT);
  [adminId, otherAdminId, pendingAdminId, customerId] = [admin.user.id, other.user.id, pending.user.id, customer.user.id];

  const consoleApp = (await bed.system.repos.applications.findBuiltIn(organization.id, 'console'))!;
  const everything = ['internal_login', 'internal_bulk_resource_create', 'internal_user_mgt_view', 'internal_user_mgt_list', 'internal_user_mgt_update', 'internal_user_mgt_delete', 'internal_user_mgt_create'];
  const deleteOnly = await registerApplication(bed.system, organization.id, { type: 'm2m', scopes: ['internal_user_mgt_delete'] });
  tokens = {
    owner: await userAccessToken(bed, 'acme', consoleApp.id, ownerId, everything),
    admin: await userAccessToken(bed, 'acme', consoleApp.id, adminId, everything),
    updateOnlyApp: acme.token,
    deleteOnlyApp: await tokenFor(bed.app, 'acme', deleteOnly.application.id, deleteOnly.clientSecret!, ['internal_user_mgt_delete']),
  };
});
afterAll(() => bed?.close());

describe('the owner account', () => {
  it('cannot be given a new password by another administrator: 403 naming the rule, the old password still works', async () => {
    const before = await versionOf(ownerId);
    const res = await call(tokens.admin, 'PATCH', `/scim2/Users/${ownerId}`, replacePassword('taken over by the admin 1'));
    expect(expectScimError(res, 403).detail).toBe(OWNER_RULE);
    expect(await bed.system.services.users.verifyPassword(organization.id, ownerId, OWNER_PASSWORD)).toBe(true);
    expect(await versionOf(ownerId)).toBe(before);
  });

  it('cannot be given a new password by an application holding only the update scope', async () => {
    const res = await call(tokens.updateOnlyApp, 'PATCH', `/scim2/Users/${ownerId}`, replacePassword('taken over by the app 1'));
    expect(expectScimError(res, 403).detail).toMatch(/^Applications \(client credentials\) may not act on administrator accounts/);
    expect(await bed.system.services.users.verifyPassword(organization.id, ownerId, OWNER_PASSWORD)).toBe(true);
  });

  it('cannot be disabled, renamed or replaced by anyone else, nor through Bulk', async () => {
    expectScimError(await call(tokens.admin, 'PATCH', `/scim2/Users/${ownerId}`, replaceActive(false)), 403);
    expectScimError(await call(tokens.updateOnlyApp, 'PATCH', `/scim2/Users/${ownerId}`, replaceActive(false)), 403);
    const put = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'owner@acme.test', emails: [{ value: 'attacker@evil.test', primary: true }] };
    expectScimError(await call(tokens.admin, 'PUT', `/scim2/Users/${ownerId}`, put), 403);
    const bulk = await call(tokens.admin, 'POST', '/scim2/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [{ method: 'PATCH', path: `/Users/${ownerId}`, data: replacePassword('taken over in bulk 1') }],
    });
    expect(bulk.statusCode).toBe(200);
    const [operation] = (bulk.json() as { Operations: Array<{ status: string; response?: { detail: string } }> }).Operations;
    expect(operation.status).toBe('403');
    expect(operation.response?.detail).toBe(OWNER_RULE);
    const owner = await bed.system.repos.users.findById(organization.id, ownerId);
    expect(owner).toMatchObject({ accountState: 'active', userName: 'owner@acme.test' });
    expect((await bed.system.services.users.getUser(organization.id, ownerId)).emails.map((e) => e.value)).not.toContain('attacker@evil.test');
    expect(await bed.system.services.users.verifyPassword(organization.id, ownerId, OWNER_PASSWORD)).toBe(true);
  });

  it('is the owner’s own to change, through /Users as through /Me', async () => {
    expect((await call(tokens.owner, 'PATCH', `/scim2/Users/${ownerId}`, replaceName('Olive'))).statusCode).toBe(200);
    expect((await bed.system.repos.users.findById(organization.id, ownerId))?.givenName).toBe('Olive');
  });
});

describe('administrators', () => {
  it('cannot be deleted through SCIM by another administrator or by an application', async () => {
    expect(expectScimError(await call(tokens.admin, 'DELETE', `/scim2/Users/${otherAdminId}`), 403).detail).toBe(ADMINS_RULE);
    expectScimError(await call(tokens.deleteOnlyApp, 'DELETE', `/scim2/Users/${otherAdminId}`), 403);
    expect(await bed.system.repos.users.findById(organization.id, otherAdminId)).toBeDefined();
  });

  it('cannot be changed or disabled by another administrator or an application', async () => {
    const before = await versionOf(otherAdminId);
    expect(expectScimError(await call(tokens.admin, 'PATCH', `/scim2/Users/${otherAdminId}`, replacePassword('taken over 2 times')), 403).detail).toBe(ADMINS_RULE);
    expectScimError(await call(tokens.updateOnlyApp, 'PATCH', `/scim2/Users/${otherAdminId}`, replaceActive(false)), 403);
    expect(await versionOf(otherAdminId)).toBe(before);
  });

  it('cannot have a pending invitation taken over: the re-send with delivery "link" is refused and returns no link', async () => {
    for (const token of [tokens.admin, tokens.updateOnlyApp]) {
      const res = await call(token, 'POST', `/api/server/v1/users/${pendingAdminId}/invitation`, { delivery: 'link' });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ code: 'auth.forbidden' });
      expect(res.body).not.toContain('token=');
    }
  });

  it('manage themselves only through /Me, not through /Users', async () => {
    expectScimError(await call(tokens.admin, 'PATCH', `/scim2/Users/${adminId}`, replaceName('Ada')), 403);
    const me = await call(tokens.admin, 'PATCH', '/scim2/Me', replaceName('Ada'));
    expect(me.statusCode, me.body).toBe(200);
    expect((await bed.system.repos.users.findById(organization.id, adminId))?.givenName).toBe('Ada');
  });

  it('are the owner’s to change, re-invite and delete', async () => {
    expect((await call(tokens.owner, 'PATCH', `/scim2/Users/${otherAdminId}`, replaceName('Otto'))).statusCode).toBe(200);
    const reinvited = await call(tokens.owner, 'POST', `/api/server/v1/users/${pendingAdminId}/invitation`, { delivery: 'link' });
    expect(reinvited.statusCode, reinvited.body).toBe(200);
    expect((await call(tokens.owner, 'DELETE', `/scim2/Users/${otherAdminId}`)).statusCode).toBe(204);
  });

  it('cannot be created by an administrator, even with the invitation service', async () => {
    await expect(
      bed.system.services.administrators.inviteAdministrator(organization, adminId, { email: 'sneaky@acme.test' }, { actor: { type: 'user', id: adminId } }),
    ).rejects.toMatchObject({ code: 'auth.forbidden' });
  });
});

describe('customers', () => {
  it('stay manageable by administrators and applications with the scope', async () => {
    expect((await call(tokens.admin, 'PATCH', `/scim2/Users/${customerId}`, replaceName('Cy'))).statusCode).toBe(200);
    expect((await call(tokens.updateOnlyApp, 'PATCH', `/scim2/Users/${customerId}`, replaceActive(false))).statusCode).toBe(200);
    expect((await call(tokens.deleteOnlyApp, 'DELETE', `/scim2/Users/${customerId}`)).statusCode).toBe(204);
  });
});
