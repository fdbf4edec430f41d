// SCIM Users API: versions as weak ETags and If-Match on PUT, PATCH and DELETE (RFC 7644
// section 3.14).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, newUser, PATCH_SCHEMA, scimClient, type ScimTestBed } from '../support/scim.ts';
import { expectScimError, expectStatus, listOf, qs, type ScimRequest } from './users-support.ts';

let bed: ScimTestBed;
let request: ScimRequest;

beforeAll(async () => {
  bed = await createScimTestBed();
  request = (await scimClient(bed, 'etags')).request;
});

afterAll(async () => {
  await bed?.close();
});

let serial = 0;
async function create() {
  const res = await request('POST', '/Users', newUser(`etag${++serial}@etags.test`));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; userName: string; meta: { version: string } };
}

const patchBody = (familyName: string) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'name.familyName', value: familyName }] });

describe('meta.version', () => {
  it('is the ETag header on every response that carries the user, and changes with every write', async () => {
    const user = await create();
    expect(user.meta.version).toMatch(/^W\/"[^"]+"$/);
    const read = expectStatus(await request('GET', `/Users/${user.id}`), 200);
    expect(read.headers.etag).toBe(user.meta.version);
    expect(read.json().meta.version).toBe(user.meta.version);

    const put = expectStatus(await request('PUT', `/Users/${user.id}`, newUser(user.userName, { displayName: 'One' })), 200);
    expect(put.headers.etag).toBe(put.json().meta.version);
    expect(put.json().meta.version).not.toBe(user.meta.version);

    const patch = expectStatus(await request('PATCH', `/Users/${user.id}`, patchBody('Two')), 200);
    expect(patch.headers.etag).toBe(patch.json().meta.version);
    expect(patch.json().meta.version).not.toBe(put.json().meta.version);

    const again = expectStatus(await request('GET', `/Users/${user.id}`), 200);
    expect(again.headers.etag).toBe(patch.json().meta.version);
    // Lists carry the same version in each resource.
    const listed = listOf(await request('GET', `/Users${qs({ filter: `id eq "${user.id}"` })}`));
    expect((listed.Resources[0].meta as { version: string }).version).toBe(patch.json().meta.version);
  });
});

describe('If-Match', () => {
  it('PUT with a stale version gets 412 and changes nothing; with the current one it succeeds', async () => {
    const user = await create();
    const stale = user.meta.version;
    const first = expectStatus(await request('PUT', `/Users/${user.id}`, newUser(user.userName, { displayName: 'First' }), { 'if-match': stale }), 200);
    expectScimError(await request('PUT', `/Users/${user.id}`, newUser(user.userName, { displayName: 'Lost' }), { 'if-match': stale }), 412);
    expect(expectStatus(await request('GET', `/Users/${user.id}`), 200).json().displayName).toBe('First');
    const second = await request('PUT', `/Users/${user.id}`, newUser(user.userName, { displayName: 'Second' }), { 'if-match': first.json().meta.version });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().displayName).toBe('Second');
  });

  it('PATCH with a stale version gets 412 and changes nothing; with the current one it succeeds', async () => {
    const user = await create();
    const stale = user.meta.version;
    const first = expectStatus(await request('PATCH', `/Users/${user.id}`, patchBody('First'), { 'if-match': stale }), 200);
    expectScimError(await request('PATCH', `/Users/${user.id}`, patchBody('Lost'), { 'if-match': stale }), 412);
    expect(expectStatus(await request('GET', `/Users/${user.id}`), 200).json().name.familyName).toBe('First');
    const second = await request('PATCH', `/Users/${user.id}`, patchBody('Second'), { 'if-match': first.json().meta.version });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().name.familyName).toBe('Second');
  });

  it('DELETE with a stale version gets 412 and deletes nothing; with the current one it deletes', async () => {
    const user = await create();
    const changed = expectStatus(await request('PATCH', `/Users/${user.id}`, patchBody('Changed')), 200);
    expectScimError(await request('DELETE', `/Users/${user.id}`, undefined, { 'if-match': user.meta.version }), 412);
    expectStatus(await request('GET', `/Users/${user.id}`), 200);
    expect((await request('DELETE', `/Users/${user.id}`, undefined, { 'if-match': changed.json().meta.version })).statusCode).toBe(204);
    expectScimError(await request('GET', `/Users/${user.id}`), 404);
  });

  it('"*" matches any version', async () => {
    const user = await create();
    expectStatus(await request('PATCH', `/Users/${user.id}`, patchBody('Star'), { 'if-match': '*' }), 200);
    expectStatus(await request('PUT', `/Users/${user.id}`, newUser(user.userName), { 'if-match': '*' }), 200);
    expect((await request('DELETE', `/Users/${user.id}`, undefined, { 'if-match': '*' })).statusCode).toBe(204);
  });

  it('a value that names no version never matches', async () => {
    const user = await create();
    for (const value of ['"abc"', 'W/"abc"', 'garbage', 'W/"999"', '""']) {
      expectScimError(await request('PATCH', `/Users/${user.id}`, patchBody('Never'), { 'if-match': value }), 412);
      expectScimError(await request('PUT', `/Users/${user.id}`, newUser(user.userName, { displayName: 'Never' }), { 'if-match': value }), 412);
      expectScimError(await request('DELETE', `/Users/${user.id}`, undefined, { 'if-match': value }), 412);
    }
    const read = expectStatus(await request('GET', `/Users/${user.id}`), 200).json();
    expect(read.meta.version).toBe(user.meta.version);
    expect(read.displayName).not.toBe('Never');
  });

  it('a stale If-Match on an unknown user is 404, not 412', async () => {
    expectScimError(await request('PATCH', '/Users/00000000-0000-0000-0000-000000000000', patchBody('X'), { 'if-match': 'W/"1"' }), 404);
    expectScimError(await request('DELETE', '/Users/00000000-0000-0000-0000-000000000000', undefined, { 'if-match': 'W/"1"' }), 404);
  });

  it('concurrent PUTs with the same If-Match: exactly one wins, the rest get 412', async () => {
    const user = await create();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        request('PUT', `/Users/${user.id}`, newUser(user.userName, { displayName: `Writer ${i}` }), { 'if-match': user.meta.version }),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(7);
    const winner = results.find((r) => r.statusCode === 200)!.json();
    expect(expectStatus(await request('GET', `/Users/${user.id}`), 200).json().displayName).toBe(winner.displayName);
  });
});
