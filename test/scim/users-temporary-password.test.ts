// SCIM Users: the read-only `urn:scim:wso2:schema:temporaryPassword` flag (the Console's
// "Temporary password" state; this suite's client is an application, whose passwords are
// temporary only with `forcePasswordReset`) and the read-only core `userType` (Customer or Administrator, so
// the Console lists customers only). Both are filterable; a page of users reads every flag in one
// query, not one per user.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScimTestBed, newUser, PATCH_SCHEMA, scimClient, type ScimTestBed } from '../support/scim.ts';
import { expectScimError, listOf, qs, WSO2_SCHEMA, type ScimRequest } from './users-support.ts';

const PASSWORD = 'plum-orbit-candle-42';

let bed: ScimTestBed;
let request: ScimRequest;
let ownerId: string;
const ids: Record<string, string> = {};

type Wso2 = { accountState: string; temporaryPassword: boolean };

beforeAll(async () => {
  bed = await createScimTestBed();
  const client = await scimClient(bed, 'temps');
  request = client.request;
  ownerId = client.owner.id;
  const users: Array<[string, Record<string, unknown>]> = [
    ['temp@temps.test', { password: PASSWORD, [WSO2_SCHEMA]: { forcePasswordReset: true } }],
    ['invited@temps.test', { [WSO2_SCHEMA]: { askPassword: true } }],
    ['nopassword@temps.test', {}],
  ];
  for (const [userName, extra] of users) {
    const res = await request('POST', '/Users', newUser(userName, extra));
    expect(res.statusCode, res.body).toBe(201);
    ids[userName] = res.json().id;
  }
});

afterAll(async () => {
  await bed?.close();
});

async function userNames(filter: string): Promise<string[]> {
  const list = listOf(await request('GET', `/Users${qs({ filter, count: 100 })}`));
  return list.Resources.map((u) => u.userName).sort();
}

describe('temporaryPassword', () => {
  it('is true for a password set on create to be changed (forcePasswordReset), false otherwise', async () => {
    const created = await request('POST', '/Users', newUser('fresh@temps.test', { password: PASSWORD, [WSO2_SCHEMA]: { forcePasswordReset: true } }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()[WSO2_SCHEMA]).toMatchObject({ accountState: 'ACTIVE', temporaryPassword: true });

    const read = async (userName: string) => (await request('GET', `/Users/${ids[userName]}`)).json()[WSO2_SCHEMA] as Wso2;
    expect(await read('temp@temps.test')).toMatchObject({ accountState: 'ACTIVE', temporaryPassword: true });
    expect(await read('invited@temps.test')).toMatchObject({ accountState: 'PENDING', temporaryPassword: false });
    expect(await read('nopassword@temps.test')).toMatchObject({ accountState: 'ACTIVE', temporaryPassword: false });
    await request('DELETE', `/Users/${created.json().id}`);
  });

  it('is shown per user in a list', async () => {
    const list = listOf(await request('GET', `/Users${qs({ count: 100 })}`));
    const flags = Object.fromEntries(list.Resources.map((u) => [u.userName, (u[WSO2_SCHEMA] as Wso2).temporaryPassword]));
    expect(flags).toEqual({ 'owner@temps.test': false, 'temp@temps.test': true, 'invited@temps.test': false, 'nopassword@temps.test': false });
  });

  it('filters, qualified or not, with eq and ne', async () => {
    expect(await userNames(`${WSO2_SCHEMA}:temporaryPassword eq true`)).toEqual(['temp@temps.test']);
    expect(await userNames('temporaryPassword eq true')).toEqual(['temp@temps.test']);
    expect(await userNames('temporaryPassword ne true')).toEqual(['invited@temps.test', 'nopassword@temps.test', 'owner@temps.test']);
    expect(await userNames(`${WSO2_SCHEMA}:accountState eq "ACTIVE" and temporaryPassword eq false`)).toEqual(['nopassword@temps.test', 'owner@temps.test']);
    expectScimError(await request('GET', `/Users${qs({ filter: 'temporaryPassword eq "yes"' })}`), 400, 'invalidFilter');
  });

  // Also pins a bug: a PATCH (and a Bulk operation) carrying a password read the organization's
  // minimum length beside its open transaction, which on SQLite (one connection) waited forever.
  it('turns false when the administrator replaces the password, and the user changes nothing by sending it', async () => {
    const created = await request('POST', '/Users', newUser('replaced@temps.test', { password: PASSWORD, [WSO2_SCHEMA]: { forcePasswordReset: true } }));
    const id = created.json().id as string;
    const patched = await request('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: 'another-long-passphrase-7' }] });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()[WSO2_SCHEMA].temporaryPassword).toBe(false);

    const readOnly = await request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: `${WSO2_SCHEMA}:temporaryPassword`, value: true }],
    });
    expectScimError(readOnly, 400, 'mutability');
    // A PUT of the representation as read (read-only attributes included) is accepted and ignores them.
    const current = (await request('GET', `/Users/${id}`)).json();
    const put = await request('PUT', `/Users/${id}`, { ...current, [WSO2_SCHEMA]: { ...current[WSO2_SCHEMA], temporaryPassword: true } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()[WSO2_SCHEMA].temporaryPassword).toBe(false);
    await request('DELETE', `/Users/${id}`);
  });

  it('is set by a Bulk create with a password (in the Bulk transaction)', async () => {
    const res = await request('POST', '/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [{ method: 'POST', path: '/Users', bulkId: 'b1', data: newUser('bulked@temps.test', { password: PASSWORD, [WSO2_SCHEMA]: { forcePasswordReset: true } }) }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const id = (res.json().Operations[0].location as string).split('/').pop()!;
    expect((await request('GET', `/Users/${id}`)).json()[WSO2_SCHEMA].temporaryPassword).toBe(true);
    await request('DELETE', `/Users/${id}`);
  });

  it('is read for a whole page in one query', async () => {
    for (let i = 0; i < 30; i += 1) {
      const res = await request('POST', '/Users', newUser(`bulk${i}@temps.test`, i % 3 === 0 ? { password: PASSWORD, [WSO2_SCHEMA]: { forcePasswordReset: true } } : {}));
      expect(res.statusCode).toBe(201);
    }
    // A separate query for the page's flags (SQLite), or the flags inside the page's own query (PostgreSQL).
    const separate = vi.spyOn(bed.system.repos.credentials, 'usersWithTemporaryPassword');
    const inPage = vi.spyOn(bed.system.repos.users, 'listWithDetails');
    try {
      const list = listOf(await request('GET', `/Users${qs({ filter: 'userName sw "bulk"', count: 100 })}`));
      expect(list.Resources).toHaveLength(30);
      expect(list.Resources.filter((u) => (u[WSO2_SCHEMA] as Wso2).temporaryPassword)).toHaveLength(10);
      expect(separate.mock.calls.length + inPage.mock.calls.length).toBe(1);
    } finally {
      separate.mockRestore();
      inPage.mockRestore();
    }
  });

  it('is described as a read-only boolean of the WSO2 extension', async () => {
    const schema = (await request('GET', `/Schemas/${WSO2_SCHEMA}`)).json() as { attributes: Array<{ name: string }> };
    expect(schema.attributes.find((a) => a.name === 'temporaryPassword')).toMatchObject({ type: 'boolean', mutability: 'readOnly' });
  });
});

describe('userType', () => {
  it('tells customers from administrators (the owner)', async () => {
    expect((await request('GET', `/Users/${ownerId}`)).json().userType).toBe('Administrator');
    expect((await request('GET', `/Users/${ids['temp@temps.test']}`)).json().userType).toBe('Customer');
  });

  it('filters, in any letter case, and refuses unknown types', async () => {
    expect(await userNames('userType eq "Customer" and not (userName sw "bulk")')).toEqual(['invited@temps.test', 'nopassword@temps.test', 'temp@temps.test']);
    expect(await userNames('userType eq "customer" and userName sw "temp"')).toEqual(['temp@temps.test']);
    expect(await userNames('userType eq "Administrator"')).toEqual(['owner@temps.test']);
    expect(await userNames('userType ne "Customer"')).toEqual(['owner@temps.test']);
    expectScimError(await request('GET', `/Users${qs({ filter: 'userType eq "Employee"' })}`), 400, 'invalidFilter');
  });

  it('is read-only', async () => {
    const res = await request('PATCH', `/Users/${ids['temp@temps.test']}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'userType', value: 'Administrator' }] });
    expectScimError(res, 400, 'mutability');
    expect((await request('GET', `/Users/${ids['temp@temps.test']}`)).json().userType).toBe('Customer');
  });
});
