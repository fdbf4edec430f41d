// SCIM Users API: every failure in the RFC 7644 error shape (section 3.12), including the ones
// the HTTP layer produces: bad JSON, wrong content type, oversized bodies, unknown endpoints.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, newUser, PATCH_SCHEMA, scimClient, USER_SCHEMA, type ScimTestBed } from '../support/scim.ts';
import { expectScimError, expectStatus, type ScimRequest } from './users-support.ts';

let bed: ScimTestBed;
let request: ScimRequest;
let orgId: string;
let userId: string;

beforeAll(async () => {
  bed = await createScimTestBed();
  const client = await scimClient(bed, 'errors');
  request = client.request;
  orgId = client.organization.id;
  userId = expectStatus(await request('POST', '/Users', newUser('existing@errors.test')), 201).json().id;
});

afterAll(async () => {
  await bed?.close();
});

const bigString = (bytes: number) => 'a'.repeat(bytes);

describe('content types', () => {
  it('accepts application/scim+json and application/json, and answers application/scim+json', async () => {
    const scim = await request('POST', '/Users', newUser('scim-type@errors.test'));
    expect(scim.statusCode, scim.body).toBe(201);
    expect(scim.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    const json = await request('POST', '/Users', newUser('json-type@errors.test'), { 'content-type': 'application/json' });
    expect(json.statusCode, json.body).toBe(201);
    expect(json.headers['content-type']).toMatch(/^application\/scim\+json/);
    const charset = await request('POST', '/Users', newUser('charset@errors.test'), { 'content-type': 'application/scim+json; charset=utf-8' });
    expect(charset.statusCode, charset.body).toBe(201);
    const patched = await request('PATCH', `/Users/${userId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'J' }] }, {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await request('GET', `/Users/${userId}`)).headers['content-type']).toMatch(/^application\/scim\+json/);
  });

  it('refuses other content types with 415', async () => {
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await request('POST', '/Users', JSON.stringify(newUser('typed@errors.test')), { 'content-type': type });
      expectScimError(res, 415);
      const put = await request('PUT', `/Users/${userId}`, JSON.stringify(newUser('existing@errors.test')), { 'content-type': type });
      expectScimError(put, 415);
    }
    expect(await bed.system.repos.users.findByUserName(orgId, 'typed@errors.test')).toBeUndefined();
  });
});

describe('malformed bodies', () => {
  it('bad JSON: 400 invalidSyntax, in both accepted types', async () => {
    for (const type of ['application/scim+json', 'application/json']) {
      for (const body of ['{bad', '{"userName": "x@errors.test",}', "{'userName': 'x'}", '{"userName": "x@errors.test"']) {
        expectScimError(await request('POST', '/Users', body, { 'content-type': type }), 400, 'invalidSyntax');
        expectScimError(await request('PUT', `/Users/${userId}`, body, { 'content-type': type }), 400, 'invalidSyntax');
        expectScimError(await request('PATCH', `/Users/${userId}`, body, { 'content-type': type }), 400, 'invalidSyntax');
        expectScimError(await request('POST', '/Users/.search', body, { 'content-type': type }), 400, 'invalidSyntax');
      }
    }
  });

  it('an empty body: 400 invalidSyntax', async () => {
    for (const type of ['application/scim+json', 'application/json']) {
      expectScimError(await request('POST', '/Users', '', { 'content-type': type }), 400, 'invalidSyntax');
    }
  });

  it('JSON that is not an object: 400 invalidSyntax', async () => {
    for (const body of ['[]', '"text"', '42', 'null', 'true']) {
      expectScimError(await request('POST', '/Users', body), 400, 'invalidSyntax');
      expectScimError(await request('PUT', `/Users/${userId}`, body), 400, 'invalidSyntax');
    }
  });

  it('a prototype-poisoning body: 400, nothing created', async () => {
    const body = `{"schemas":["${USER_SCHEMA}"],"userName":"proto@errors.test","__proto__":{"isAdmin":true}}`;
    const res = await request('POST', '/Users', body);
    expect(res.statusCode).toBe(400);
    expectScimError(res, 400, 'invalidSyntax');
    expect(await bed.system.repos.users.findByUserName(orgId, 'proto@errors.test')).toBeUndefined();
  });
});

describe('oversized bodies', () => {
  it('a body over 1 MB: 413 on POST, PUT, PATCH and .search', async () => {
    const huge = { ...newUser('huge@errors.test'), padding: bigString(1024 * 1024 + 10) };
    for (const type of ['application/scim+json', 'application/json']) {
      expectScimError(await request('POST', '/Users', huge, { 'content-type': type }), 413);
      expectScimError(await request('PUT', `/Users/${userId}`, huge, { 'content-type': type }), 413);
      expectScimError(await request('PATCH', `/Users/${userId}`, huge, { 'content-type': type }), 413);
      expectScimError(await request('POST', '/Users/.search', huge, { 'content-type': type }), 413);
    }
    expect(await bed.system.repos.users.findByUserName(orgId, 'huge@errors.test')).toBeUndefined();
  });

  it('a body just under 1 MB is read', async () => {
    const big = { ...newUser('big@errors.test'), ignored: bigString(1000 * 1000) };
    const res = await request('POST', '/Users', big);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
  });

  it('an oversized attribute value is a 400, not a 500', async () => {
    const res = await request('POST', '/Users', newUser('long@errors.test', { displayName: bigString(100_000) }));
    expectScimError(res, 400, 'invalidValue');
    const email = await request('POST', '/Users', newUser(`${bigString(300)}@errors.test`));
    expectScimError(email, 400, 'invalidValue');
  });
});

describe('U+0000, which PostgreSQL text cannot hold', () => {
  // Regression: these reached PostgreSQL and failed there with a 500 (and SQLite stored them).
  it('in a body value or key: 400 invalidValue, nothing created', async () => {
    expectScimError(await request('POST', '/Users', newUser('nul\u0000x@errors.test')), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('nul1@errors.test', { displayName: 'a\u0000b' })), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('nul2@errors.test', { name: { givenName: '\u0000' } })), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users', newUser('nul3@errors.test', { 'x\u0000': 1 })), 400, 'invalidValue');
    expectScimError(await request('PUT', `/Users/${userId}`, newUser('existing@errors.test', { externalId: 'e\u0000' })), 400, 'invalidValue');
    expectScimError(
      await request('PATCH', `/Users/${userId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'p\u0000' }] }),
      400,
      'invalidValue',
    );
    const users = await bed.system.repos.users.findManyByIds(orgId, [userId]);
    expect(users[0].externalId ?? null).toBeNull();
    for (const name of ['nul1@errors.test', 'nul2@errors.test', 'nul3@errors.test']) {
      expect(await bed.system.repos.users.findByUserName(orgId, name)).toBeUndefined();
    }
  });

  it('in an id or a query parameter: 400, not 500', async () => {
    expectScimError(await request('GET', '/Users/%00abc'), 400, 'invalidValue');
    expectScimError(await request('DELETE', '/Users/abc%00'), 400, 'invalidValue');
    expectScimError(await request('GET', '/Users?filter=userName%20eq%20%22a%00b%22'), 400, 'invalidValue');
    expectScimError(await request('GET', '/Users?sortBy=userName%00'), 400, 'invalidValue');
    expectScimError(await request('GET', '/Users?cursor=%00'), 400, 'invalidValue');
  });

  it('as a \\u0000 escape inside a filter string: 400 invalidFilter', async () => {
    expectScimError(await request('GET', `/Users?filter=${encodeURIComponent('userName eq "a\\u0000b"')}`), 400, 'invalidFilter');
    expectScimError(await request('POST', '/Users/.search', { filter: 'displayName co "\\u0000"' }), 400, 'invalidFilter');
  });

  it('a deeply nested body is walked without overflowing the stack', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const res = await request('POST', '/Users', `{"schemas":["${USER_SCHEMA}"],"userName":"deep@errors.test","ignored":${deep}}`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
  });
});

describe('the error shape everywhere', () => {
  it('unknown endpoints and ids', async () => {
    expectScimError(await request('GET', '/Users/x/y'), 404);
    expectScimError(await request('GET', '/Nothing'), 404);
    expectScimError(await request('GET', '/Users/00000000-0000-0000-0000-000000000000'), 404);
  });

  it('an unexpected failure is a 500 that hides its cause and carries the request id', async () => {
    const users = bed.system.services.users;
    const original = users.getUser;
    users.getUser = async () => {
      throw new Error('connection to db-internal.example:5432 refused; password=hunter2');
    };
    try {
      const res = await request('GET', `/Users/${userId}`);
      const body = expectScimError(res, 500);
      expect(body.detail).not.toMatch(/db-internal|hunter2|refused/);
      expect(body.detail).toContain(String(res.headers['x-request-id']));
    } finally {
      users.getUser = original;
    }
    expect((await request('GET', `/Users/${userId}`)).statusCode).toBe(200);
  });

  it('status is a string, detail says what is wrong, and no internals leak', async () => {
    const res = await request('POST', '/Users', newUser('existing@errors.test'));
    const body = expectScimError(res, 409, 'uniqueness');
    expect(body.detail).not.toMatch(/constraint|UNIQUE|sqlite|postgres|users_org_user_name_key|SELECT|INSERT/i);
    const invalid = expectScimError(await request('POST', '/Users', newUser('not-an-email')), 400, 'invalidValue');
    expect(invalid.detail).toContain('userName');
  });
});
