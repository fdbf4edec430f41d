// SCIM Users API under concurrency: uniqueness is a database constraint, so concurrent creates
// of one userName give one 201 and clean 409s, never a 500; concurrent writers lose no update.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, GROUP_SCHEMA, newUser, PATCH_SCHEMA, scimClient, type ScimTestBed } from '../support/scim.ts';
import { expectScimError, expectStatus, listOf, qs, type ScimRequest } from './users-support.ts';

let bed: ScimTestBed;
let request: ScimRequest;
let orgId: string;

beforeAll(async () => {
  bed = await createScimTestBed();
  const client = await scimClient(bed, 'races');
  request = client.request;
  orgId = client.organization.id;
});

afterAll(async () => {
  await bed?.close();
});

/** The same address in twenty letter cases. */
function variants(local: string, count = 20): string[] {
  const word = `${local}@races.test`;
  return Array.from({ length: count }, (_, i) =>
    [...word].map((ch, j) => ((i >> j % 5) & 1 ? ch.toUpperCase() : ch)).join('') + (i >= 10 ? ' ' : ''),
  );
}

function expectOneWinner(results: Array<{ statusCode: number; body: string; json(): any }>) {
  const statuses = results.map((r) => r.statusCode);
  expect(statuses.filter((s) => s >= 500), JSON.stringify(results.filter((r) => r.statusCode >= 500).map((r) => r.body))).toEqual([]);
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(results.length - 1);
  for (const r of results.filter((x) => x.statusCode === 409)) expectScimError(r as never, 409, 'uniqueness');
  return results.find((r) => r.statusCode === 201)!.json();
}

describe('concurrent creates of one userName', () => {
  it('20 creates in different letter cases: one 201, nineteen 409 uniqueness', async () => {
    const names = variants('race');
    expect(new Set(names).size).toBe(20);
    const results = await Promise.all(names.map((name) => request('POST', '/Users', newUser(name))));
    const winner = expectOneWinner(results);
    expect(winner.userName).toBe('race@races.test');
    const list = listOf(await request('GET', `/Users${qs({ filter: 'userName eq "race@races.test"' })}`));
    expect(list.Resources.map((r) => r.id)).toEqual([winner.id]);
  });

  it('the same with passwords (hashing happens outside the transaction)', async () => {
    const results = await Promise.all(variants('hashed').map((name) => request('POST', '/Users', newUser(name, { password: 'a long and unusual passphrase 42' }))));
    const winner = expectOneWinner(results);
    expect(await bed.system.services.users.verifyPassword(orgId, winner.id, 'a long and unusual passphrase 42')).toBe(true);
  });

  it('the same with groups on create: the losers leave no memberships behind', async () => {
    const group = expectStatus(await request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Race group' }), 201).json();
    const results = await Promise.all(variants('grouped').map((name) => request('POST', '/Users', newUser(name, { groups: [{ value: group.id }] }))));
    const winner = expectOneWinner(results);
    expect(await bed.system.repos.groups.listMemberIds(orgId, group.id)).toEqual([winner.id]);
  });
});

describe('concurrent writes to one user', () => {
  it('concurrent deletes: one 204, the rest 404', async () => {
    const user = expectStatus(await request('POST', '/Users', newUser('deleted@races.test')), 201).json();
    const results = await Promise.all(Array.from({ length: 10 }, () => request('DELETE', `/Users/${user.id}`)));
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect(statuses.filter((s) => s === 404)).toHaveLength(9);
    // One deletion, so one audit record of it.
    const audit = await bed.system.repos.audit.listForOrganization(orgId, 1000);
    expect(audit.filter((e) => e.action === 'user.deleted' && e.targetId === user.id)).toHaveLength(1);
  });

  it('concurrent PATCHes without If-Match all apply, in turn, and lose no update', async () => {
    const user = expectStatus(await request('POST', '/Users', newUser('patched@races.test')), 201).json();
    const addresses = Array.from({ length: 10 }, (_, i) => `extra${i}@races.test`);
    const results = await Promise.all(
      addresses.map((value) =>
        request('PATCH', `/Users/${user.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'emails', value: [{ value, type: 'other' }] }] }),
      ),
    );
    // No precondition was sent, so none fails: each PATCH waits its turn and applies.
    for (const r of results) expect(r.statusCode, r.body).toBe(200);
    const succeeded = addresses;
    const final = expectStatus(await request('GET', `/Users/${user.id}`), 200).json();
    const stored = final.emails.map((e: { value: string }) => e.value);
    for (const address of succeeded) expect(stored).toContain(address);
    expect(final.meta.version).toBe(`W/"${1 + succeeded.length}"`);
  });
});
