// Whether a SCIM `password` is temporary (issue 14, docs/security.md section 15): an application's
// (client credentials: provisioning from another system) is permanent; a person's (the Console,
// an administrator's token) follows the organization's forceTemporaryPasswordChange;
// `urn:scim:wso2:schema` `forcePasswordReset: true` makes it temporary whoever sets it, on create,
// PUT, PATCH and Bulk. A replaced password is permanent without it. Runs on both engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createScimTestBed, newUser, PATCH_SCHEMA, scimClient, type ScimTestBed } from '../support/scim.ts';
import { expectScimError, userAccessToken, WSO2_SCHEMA } from './users-support.ts';
import type { Organization } from '../../src/repos/organization-repo.ts';

const PASSWORD = 'plum-orbit-candle-42';
const OTHER = 'quartz-meadow-lantern-7';
const FORCE = { [WSO2_SCHEMA]: { forcePasswordReset: true } };
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

let bed: ScimTestBed;
let organization: Organization;
let asApplication: (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) => Promise<LightMyRequestResponse>;
let personToken: string;

function asPerson(method: 'POST' | 'PUT' | 'PATCH', path: string, body: unknown) {
  return bed.app.inject({
    method,
    url: `/t/perm/scim2${path}`,
    headers: { authorization: `Bearer ${personToken}`, 'content-type': 'application/scim+json' },
    payload: JSON.stringify(body),
  });
}

beforeAll(async () => {
  bed = await createScimTestBed();
  const client = await scimClient(bed, 'perm');
  organization = client.organization;
  asApplication = client.request;
  const consoleApp = (await bed.system.repos.applications.findBuiltIn(organization.id, 'console'))!;
  personToken = await userAccessToken(bed, 'perm', consoleApp.id, client.owner.id, ['internal_user_mgt_create', 'internal_user_mgt_update', 'internal_user_mgt_view']);
});
afterAll(() => bed?.close());

async function setOrganizationRule(forceTemporaryPasswordChange: boolean) {
  const settings = await bed.system.repos.settings.find(organization.id);
  await bed.system.repos.settings.save(organization.id, { ...settings, forceTemporaryPasswordChange }, new Date());
}

/** The created or changed user's id, after checking the status and that the answer's flag is what was stored. */
async function idOf(res: LightMyRequestResponse, status: number): Promise<string> {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { id: string; [WSO2_SCHEMA]: { temporaryPassword: boolean } };
  expect(body[WSO2_SCHEMA].temporaryPassword).toBe((await credentialOf(body.id)).isTemporary);
  return body.id;
}

async function credentialOf(id: string) {
  return (await bed.system.repos.credentials.findPassword(organization.id, id))!;
}

async function expectPermanent(id: string) {
  expect(await credentialOf(id)).toMatchObject({ isTemporary: false, expiresAt: null });
}

async function expectTemporary(id: string) {
  const credential = await credentialOf(id);
  expect(credential.isTemporary).toBe(true);
  // The organization's TTL (seven days by default).
  expect(credential.expiresAt!.getTime() - Date.now()).toBeGreaterThan(6 * 24 * 3600_000);
}

describe('a password an application (client credentials) sets', () => {
  it('is permanent on create, whatever the organization setting', async () => {
    await setOrganizationRule(true);
    await expectPermanent(await idOf(await asApplication('POST', '/Users', newUser('app1@perm.test', { password: PASSWORD })), 201));
    const explicit = await asApplication('POST', '/Users', newUser('app2@perm.test', { password: PASSWORD, [WSO2_SCHEMA]: { forcePasswordReset: false } }));
    await expectPermanent(await idOf(explicit, 201));
  });

  it('is temporary with forcePasswordReset, and signs in only to a change', async () => {
    const id = await idOf(await asApplication('POST', '/Users', newUser('app3@perm.test', { password: PASSWORD, ...FORCE })), 201);
    await expectTemporary(id);
    const result = await bed.system.services.signIn.authenticate(organization.id, 'app3@perm.test', PASSWORD, { actor: { type: 'anonymous' } });
    expect(result.outcome).toBe('password_change_required');
    await setOrganizationRule(false);
    await expectTemporary(await idOf(await asApplication('POST', '/Users', newUser('app4@perm.test', { password: PASSWORD, ...FORCE })), 201));
    await setOrganizationRule(true);
  });

  it('is permanent through Bulk, temporary there with forcePasswordReset', async () => {
    const res = await asApplication('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'a', data: newUser('bulk1@perm.test', { password: PASSWORD }) },
        { method: 'POST', path: '/Users', bulkId: 'b', data: newUser('bulk2@perm.test', { password: PASSWORD, ...FORCE }) },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const [first, second] = (res.json() as { Operations: Array<{ status: string; location: string }> }).Operations;
    expect([first.status, second.status]).toEqual(['201', '201']);
    await expectPermanent(first.location.split('/').pop()!);
    await expectTemporary(second.location.split('/').pop()!);
  });

  it('is permanent on PUT and PATCH, temporary with forcePasswordReset (also as a PATCH path)', async () => {
    const id = await idOf(await asApplication('POST', '/Users', newUser('app5@perm.test', { password: PASSWORD })), 201);
    await idOf(await asApplication('PUT', `/Users/${id}`, newUser('app5@perm.test', { password: OTHER, ...FORCE })), 200);
    await expectTemporary(id);
    await idOf(await asApplication('PUT', `/Users/${id}`, newUser('app5@perm.test', { password: PASSWORD })), 200);
    await expectPermanent(id);
    const patch = await asApplication('PATCH', `/Users/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'replace', path: 'password', value: OTHER },
        { op: 'add', path: `${WSO2_SCHEMA}:forcePasswordReset`, value: true },
      ],
    });
    await idOf(patch, 200);
    await expectTemporary(id);
    const plain = await asApplication('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: PASSWORD }] });
    await idOf(plain, 200);
    await expectPermanent(id);
  });

  it('refuses forcePasswordReset without a password: it would change nothing', async () => {
    expectScimError(await asApplication('POST', '/Users', newUser('app6@perm.test', FORCE)), 400, 'invalidValue');
    expectScimError(await asApplication('POST', '/Users', newUser('app6@perm.test', { [WSO2_SCHEMA]: { askPassword: true, forcePasswordReset: true } })), 400, 'invalidValue');
    const id = await idOf(await asApplication('POST', '/Users', newUser('app7@perm.test', { password: PASSWORD })), 201);
    expectScimError(await asApplication('PUT', `/Users/${id}`, newUser('app7@perm.test', FORCE)), 400, 'invalidValue');
    await expectPermanent(id);
  });
});

describe('a password a person sets (the Console, an administrator’s token)', () => {
  it('follows the organization setting on create: temporary by default, permanent when it is off', async () => {
    await setOrganizationRule(true);
    await expectTemporary(await idOf(await asPerson('POST', '/Users', newUser('person1@perm.test', { password: PASSWORD })), 201));
    await setOrganizationRule(false);
    await expectPermanent(await idOf(await asPerson('POST', '/Users', newUser('person2@perm.test', { password: PASSWORD })), 201));
    await setOrganizationRule(true);
  });

  it('is temporary with forcePasswordReset even when the setting is off', async () => {
    await setOrganizationRule(false);
    await expectTemporary(await idOf(await asPerson('POST', '/Users', newUser('person3@perm.test', { password: PASSWORD, ...FORCE })), 201));
    await setOrganizationRule(true);
  });

  it('is permanent on PUT without forcePasswordReset, temporary with it', async () => {
    const id = await idOf(await asPerson('POST', '/Users', newUser('person4@perm.test', { password: PASSWORD })), 201);
    await idOf(await asPerson('PUT', `/Users/${id}`, newUser('person4@perm.test', { password: PASSWORD })), 200);
    await expectPermanent(id);
    await idOf(await asPerson('PUT', `/Users/${id}`, newUser('person4@perm.test', { password: OTHER, ...FORCE })), 200);
    await expectTemporary(id);
  });
});

describe('/Schemas', () => {
  it('publishes forcePasswordReset as a write-only attribute of the WSO2 extension', async () => {
    const res = await asApplication('GET', `/Schemas/${WSO2_SCHEMA}`);
    expect(res.statusCode, res.body).toBe(200);
    const attribute = (res.json() as { attributes: Array<{ name: string; mutability: string; returned: string; type: string }> }).attributes.find((a) => a.name === 'forcePasswordReset');
    expect(attribute).toMatchObject({ type: 'boolean', mutability: 'writeOnly', returned: 'never' });
  });
});
