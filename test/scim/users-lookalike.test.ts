// Usernames that look alike are one username (issue 10 item 9): SCIM canonicalises a userName
// with NFKC, so a fullwidth twin of an existing user is that user (409); what NFKC cannot fold
// (a Cyrillic letter among Latin ones, a zero-width or text-direction character) is refused
// with a 400 that says why, on POST, PUT and PATCH alike.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, newUser, PATCH_SCHEMA, scimClient, type ScimTestBed } from '../support/scim.ts';
import { expectScimError, type ScimRequest } from './users-support.ts';

const INVISIBLE = 'The email address contains an invisible or text-direction character';
const CYRILLIC_MIX = 'The part before @ mixes letters of different scripts (Latin and Cyrillic)';

let bed: ScimTestBed;
let request: ScimRequest;

beforeAll(async () => {
  bed = await createScimTestBed();
  request = (await scimClient(bed, 'acme')).request;
});
afterAll(() => bed?.close());

async function create(userName: string): Promise<{ id: string; userName: string }> {
  const res = await request('POST', '/Users', newUser(userName));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('POST /Users with a look-alike userName', () => {
  it('treats the fullwidth twin of an existing user as that user: 409 uniqueness', async () => {
    await create('admin@acme.test');
    expectScimError(await request('POST', '/Users', newUser('ａｄｍｉｎ@acme.test')), 409, 'uniqueness');
    expectScimError(await request('POST', '/Users', newUser('ＡＤＭＩＮ＠ＡＣＭＥ．ＴＥＳＴ')), 409, 'uniqueness');
  });

  it('stores a new fullwidth userName in its plain form', async () => {
    expect((await create('ｎｅｗ.ｕｓｅｒ@acme.test')).userName).toBe('new.user@acme.test');
  });

  it('refuses a part before @ that mixes Cyrillic with Latin: 400 invalidValue naming the reason', async () => {
    // U+0430 CYRILLIC SMALL LETTER A in place of the Latin "a".
    const body = expectScimError(await request('POST', '/Users', newUser('\u0430dmin@acme.test')), 400, 'invalidValue');
    expect(body.detail).toBe(CYRILLIC_MIX);
  });

  it('refuses Latin mixed with Greek', async () => {
    const body = expectScimError(await request('POST', '/Users', newUser('r\u03bfot@acme.test')), 400, 'invalidValue');
    expect(body.detail).toBe('The part before @ mixes letters of different scripts (Latin and Greek)');
  });

  it.each([
    ['zero-width space', 'ad\u200bmin@acme.test'],
    ['zero-width joiner', 'ad\u200dmin@acme.test'],
    ['soft hyphen', 'ad\u00admin@acme.test'],
    ['right-to-left override', 'ad\u202emin@acme.test'],
    ['BOM in the domain', 'admin@ac\ufeffme.test'],
  ])('refuses a %s: 400 invalidValue naming the reason', async (_name, userName) => {
    const body = expectScimError(await request('POST', '/Users', newUser(userName)), 400, 'invalidValue');
    expect(body.detail).toBe(INVISIBLE);
  });

  it('accepts an address written in one other script', async () => {
    expect((await create('Иван.Петров@acme.test')).userName).toBe('иван.петров@acme.test');
  });
});

describe('PUT and PATCH /Users with look-alike addresses', () => {
  it('refuses an invisible character or mixed scripts in emails on PUT', async () => {
    const user = await create('put.target@acme.test');
    const withEmail = (value: string) => newUser('put.target@acme.test', { emails: [{ value, primary: true }] });
    const invisible = expectScimError(await request('PUT', `/Users/${user.id}`, withEmail('put.tar\u200bget@acme.test')), 400, 'invalidValue');
    expect(invisible.detail).toContain(INVISIBLE);
    const mixed = expectScimError(await request('PUT', `/Users/${user.id}`, withEmail('put.t\u0430rget@acme.test')), 400, 'invalidValue');
    expect(mixed.detail).toContain(CYRILLIC_MIX);
  });

  it('takes the fullwidth form of the userName on PUT as the same userName', async () => {
    const user = await create('same.name@acme.test');
    const res = await request('PUT', `/Users/${user.id}`, newUser('ｓａｍｅ.ｎａｍｅ@acme.test'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().userName).toBe('same.name@acme.test');
  });

  it('refuses an invisible character or mixed scripts in emails on PATCH', async () => {
    const user = await create('patch.target@acme.test');
    const patch = (value: string) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'emails', value: [{ value, primary: true }] }] });
    const invisible = expectScimError(await request('PATCH', `/Users/${user.id}`, patch('patch\u2060target@acme.test')), 400, 'invalidValue');
    expect(invisible.detail).toContain(INVISIBLE);
    const mixed = expectScimError(await request('PATCH', `/Users/${user.id}`, patch('p\u0430tch.target@acme.test')), 400, 'invalidValue');
    expect(mixed.detail).toContain(CYRILLIC_MIX);
  });
});
