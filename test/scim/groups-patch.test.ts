// PATCH /Groups/{id}: membership changes as row inserts and deletes (an unrelated member's row
// is never rewritten), removal by value filter, replacing the list, renames; and the errors
// every PATCH answers with (RFC 7644 section 3.5.2 and 3.12), on Groups and Users.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/lib/clock.ts';
import { createScimTestBed, scimClient, newUser, GROUP_SCHEMA, PATCH_SCHEMA, type ScimTestBed } from '../support/scim.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;
type Json = Record<string, any>;

/** Real time plus an offset the tests move forward, so a rewritten row shows a new timestamp. */
function steppingClock() {
  let offset = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset) };
  return { clock, advance: (ms: number) => (offset += ms) };
}

function patch(...operations: Json[]) {
  return { schemas: [PATCH_SCHEMA], Operations: operations };
}

describe('SCIM PATCH /Groups/{id}', () => {
  let bed: ScimTestBed;
  let scim: Client;
  const time = steppingClock();

  async function createUser(userName: string): Promise<string> {
    const res = await scim.request('POST', '/Users', newUser(userName));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function createGroup(displayName: string, members: string[] = []): Promise<string> {
    const res = await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function memberIds(groupId: string): Promise<string[]> {
    const res = await scim.request('GET', `/Groups/${groupId}`);
    expect(res.statusCode).toBe(200);
    return (res.json().members as Json[]).map((m) => m.value).sort();
  }

  /** The membership rows as stored, with added_at as epoch milliseconds. */
  async function membershipRows(groupId: string): Promise<Map<string, number>> {
    const rows = await bed.system.db.selectFrom('group_members').select(['user_id', 'added_at']).where('group_id', '=', groupId).execute();
    return new Map(rows.map((r) => [r.user_id, new Date(r.added_at as string | Date).getTime()]));
  }

  beforeAll(async () => {
    bed = await createScimTestBed({ clock: time.clock });
    scim = await scimClient(bed, 'patchorg');
  });
  afterAll(() => bed.close());

  describe('members', () => {
    it('adds members without rewriting the rows of the members already there', async () => {
      const [old, fresh1, fresh2] = [await createUser('old@patchorg.test'), await createUser('new1@patchorg.test'), await createUser('new2@patchorg.test')];
      const groupId = await createGroup('Adders', [old]);
      const before = await membershipRows(groupId);
      time.advance(5_000);

      const res = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'add', path: 'members', value: [{ value: fresh1 }, { value: fresh2 }] }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers.etag).toBe('W/"2"');
      expect(res.json().members.map((m: Json) => m.value).sort()).toEqual([old, fresh1, fresh2].sort());

      const after = await membershipRows(groupId);
      expect(after.get(old)).toBe(before.get(old));
      expect(after.get(fresh1)).toBeGreaterThanOrEqual(before.get(old)! + 5_000);
      expect(after.size).toBe(3);
    });

    it('leaves the members out of the answer with excludedAttributes=members', async () => {
      const [one, two] = [await createUser('quiet1@patchorg.test'), await createUser('quiet2@patchorg.test')];
      const groupId = await createGroup('Quiet', [one]);
      const res = await scim.request('PATCH', `/Groups/${groupId}?excludedAttributes=members`, patch({ op: 'add', path: 'members', value: [{ value: two }] }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).not.toHaveProperty('members');
      expect(res.json()).toMatchObject({ id: groupId, displayName: 'Quiet', meta: { version: 'W/"2"' } });
      expect(res.headers.etag).toBe('W/"2"');
      // A rename answers the same way.
      const renamed = await scim.request('PATCH', `/Groups/${groupId}?excludedAttributes=members`, patch({ op: 'replace', path: 'displayName', value: 'Quieter' }));
      expect(renamed.json()).toMatchObject({ displayName: 'Quieter' });
      expect(renamed.json()).not.toHaveProperty('members');
      // Without the parameter the answer has them, as before.
      const full = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'replace', path: 'displayName', value: 'Quiet again' }));
      expect(full.json().members.map((m: Json) => m.value).sort()).toEqual([one, two].sort());
      expect(await memberIds(groupId)).toEqual([one, two].sort());
    });

    it('treats adding an existing member as a no-op for that row', async () => {
      const [a, b] = [await createUser('idem-a@patchorg.test'), await createUser('idem-b@patchorg.test')];
      const groupId = await createGroup('Idempotent Adders', [a]);
      const before = await membershipRows(groupId);
      time.advance(5_000);
      const res = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'Add', path: 'members', value: [{ value: a }, { value: b }, { value: b }] }));
      expect(res.statusCode, res.body).toBe(200);
      expect(await memberIds(groupId)).toEqual([a, b].sort());
      expect((await membershipRows(groupId)).get(a)).toBe(before.get(a));
    });

    it('removes one member by value filter, leaving the others untouched', async () => {
      const [a, b, c] = [await createUser('rm-a@patchorg.test'), await createUser('rm-b@patchorg.test'), await createUser('rm-c@patchorg.test')];
      const groupId = await createGroup('Removers', [a, b, c]);
      const before = await membershipRows(groupId);
      time.advance(5_000);

      const res = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'remove', path: `members[value eq "${b}"]` }));
      expect(res.statusCode, res.body).toBe(200);
      expect(await memberIds(groupId)).toEqual([a, c].sort());
      const after = await membershipRows(groupId);
      expect(after.get(a)).toBe(before.get(a));
      expect(after.get(c)).toBe(before.get(c));

      // Removing someone who is not (or no longer) a member succeeds and changes nothing.
      const again = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'remove', path: `members[value eq "${b}"]` }));
      expect(again.statusCode, again.body).toBe(200);
      expect(await memberIds(groupId)).toEqual([a, c].sort());
    });

    it('removes the members listed in value (the legacy Entra ID shape) without touching the others', async () => {
      const [a, b, c] = [await createUser('lv-a@patchorg.test'), await createUser('lv-b@patchorg.test'), await createUser('lv-c@patchorg.test')];
      const groupId = await createGroup('Legacy Removers', [a, b, c]);
      const before = await membershipRows(groupId);
      time.advance(5_000);
      const res = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'Remove', path: 'members', value: [{ value: a }, { value: c }] }));
      expect(res.statusCode, res.body).toBe(200);
      expect(await memberIds(groupId)).toEqual([b]);
      expect((await membershipRows(groupId)).get(b)).toBe(before.get(b));
    });

    it('removes every member with remove and path "members"', async () => {
      const [a, b] = [await createUser('all-a@patchorg.test'), await createUser('all-b@patchorg.test')];
      const groupId = await createGroup('Emptied', [a, b]);
      const res = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'remove', path: 'members' }));
      expect(res.statusCode, res.body).toBe(200);
      expect(await memberIds(groupId)).toEqual([]);
      // The users themselves stay.
      expect((await scim.request('GET', `/Users/${a}`)).statusCode).toBe(200);
    });

    it('replaces the whole list with replace and path "members"', async () => {
      const [a, b, c] = [await createUser('rep-a@patchorg.test'), await createUser('rep-b@patchorg.test'), await createUser('rep-c@patchorg.test')];
      const groupId = await createGroup('Replaced', [a, b]);
      const res = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'replace', path: 'members', value: [{ value: b }, { value: c }] }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().members.map((m: Json) => m.value).sort()).toEqual([b, c].sort());
      expect(await memberIds(groupId)).toEqual([b, c].sort());
      const emptied = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'replace', path: 'members', value: [] }));
      expect(emptied.statusCode, emptied.body).toBe(200);
      expect(await memberIds(groupId)).toEqual([]);
    });

    it('applies several membership operations in order', async () => {
      const [a, b, c] = [await createUser('seq-a@patchorg.test'), await createUser('seq-b@patchorg.test'), await createUser('seq-c@patchorg.test')];
      const groupId = await createGroup('Sequenced', [a]);
      const res = await scim.request(
        'PATCH',
        `/Groups/${groupId}`,
        patch(
          { op: 'add', path: 'members', value: [{ value: b }, { value: c }] },
          { op: 'remove', path: `members[value eq "${a}"]` },
          { op: 'remove', path: 'members', value: [{ value: c }] },
          { op: 'add', path: 'members', value: [{ value: a }] },
        ),
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(await memberIds(groupId)).toEqual([a, b].sort());
    });

    it('refuses an unknown user (400) and applies none of the request', async () => {
      const [a, b] = [await createUser('atomic-a@patchorg.test'), await createUser('atomic-b@patchorg.test')];
      const groupId = await createGroup('Atomic', [a]);
      const res = await scim.request(
        'PATCH',
        `/Groups/${groupId}`,
        patch({ op: 'add', path: 'members', value: [{ value: b }] }, { op: 'add', path: 'members', value: [{ value: 'nobody' }] }),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json().scimType).toBe('invalidValue');
      expect(await memberIds(groupId)).toEqual([a]);
      expect((await scim.request('GET', `/Groups/${groupId}`)).json().meta.version).toBe('W/"1"');
    });

    // Regression: on PostgreSQL most of these answered 412 ("changed by another request at the
    // same time") although none sent If-Match; provisioning clients send membership changes of
    // one group in parallel.
    it('serves concurrent PATCHes of one group without If-Match: none is a 412, none is lost', async () => {
      const users: string[] = [];
      for (let i = 0; i < 12; i += 1) users.push(await createUser(`parallel-${i}@patchorg.test`));
      const groupId = await createGroup('Parallel');
      const adds = await Promise.all(
        users.map((id) => scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'Add', path: 'members', value: [{ value: id }] }))),
      );
      expect(adds.map((r) => r.statusCode)).toEqual(users.map(() => 200));
      expect(await memberIds(groupId)).toEqual([...users].sort());

      // The general path too (a rename computed from what was read), mixed with membership changes.
      const mixed = await Promise.all(
        users.map((id, i) =>
          scim.request(
            'PATCH',
            `/Groups/${groupId}`,
            i % 2 === 0
              ? patch({ op: 'remove', path: `members[value eq "${id}"]` }, { op: 'replace', path: 'externalId', value: `ext-${i}` })
              : patch({ op: 'remove', path: `members[value eq "${id}"]` }),
          ),
        ),
      );
      expect(mixed.map((r) => r.statusCode)).toEqual(users.map(() => 200));
      const group = (await scim.request('GET', `/Groups/${groupId}`)).json();
      expect(group.members).toEqual([]);
      expect(group.meta.version).toBe(`W/"${1 + 2 * users.length}"`);
    });

    it('answers 404 for a group that does not exist', async () => {
      const res = await scim.request('PATCH', '/Groups/no-such-group', patch({ op: 'add', path: 'members', value: [{ value: 'x' }] }));
      expect(res.statusCode).toBe(404);
    });
  });

  describe('renames', () => {
    it('renames with a path, keeping the members and their rows', async () => {
      const a = await createUser('ren-a@patchorg.test');
      const groupId = await createGroup('Old Name', [a]);
      const before = await membershipRows(groupId);
      time.advance(5_000);
      const res = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'replace', path: 'displayName', value: 'New Name' }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ displayName: 'New Name', members: [expect.objectContaining({ value: a })] });
      expect((await membershipRows(groupId)).get(a)).toBe(before.get(a));
      const user = (await scim.request('GET', `/Users/${a}`)).json();
      expect(user.groups).toEqual([expect.objectContaining({ value: groupId, display: 'New Name' })]);
    });

    it('renames together with a membership change in one request, keeping the unrelated rows', async () => {
      const [a, b] = [await createUser('mix-a@patchorg.test'), await createUser('mix-b@patchorg.test')];
      const groupId = await createGroup('Mixed Before', [a]);
      const before = await membershipRows(groupId);
      time.advance(5_000);
      const res = await scim.request(
        'PATCH',
        `/Groups/${groupId}`,
        patch({ op: 'replace', path: 'displayName', value: 'Mixed After' }, { op: 'add', path: 'members', value: [{ value: b }] }),
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().displayName).toBe('Mixed After');
      expect(await memberIds(groupId)).toEqual([a, b].sort());
      expect((await membershipRows(groupId)).get(a)).toBe(before.get(a));
    });

    it('refuses a rename to a name that is taken, in any letter case (409 uniqueness)', async () => {
      await createGroup('Taken Name');
      const groupId = await createGroup('Wants A Name');
      for (const name of ['Taken Name', 'TAKEN name']) {
        const res = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'replace', path: 'displayName', value: name }));
        expect(res.statusCode, name).toBe(409);
        expect(res.json()).toMatchObject({ status: '409', scimType: 'uniqueness' });
      }
      const read = (await scim.request('GET', `/Groups/${groupId}`)).json();
      expect(read).toMatchObject({ displayName: 'Wants A Name', meta: { version: 'W/"1"' } });
    });

    it('lets a group change the letter case of its own name', async () => {
      const groupId = await createGroup('case change');
      const res = await scim.request('PATCH', `/Groups/${groupId}`, patch({ op: 'replace', value: { displayName: 'Case Change' } }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().displayName).toBe('Case Change');
    });
  });
});

describe('SCIM PATCH errors', () => {
  let bed: ScimTestBed;
  let scim: Client;
  let userId: string;
  let groupId: string;

  beforeAll(async () => {
    bed = await createScimTestBed();
    scim = await scimClient(bed, 'patcherrors');
    userId = (await scim.request('POST', '/Users', newUser('target@patcherrors.test'))).json().id;
    groupId = (await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Target', members: [{ value: userId }] })).json().id;
  });
  afterAll(() => bed.close());

  async function expectError(path: string, body: unknown, status: number, scimType: string | undefined) {
    const res = await scim.request('PATCH', path, body);
    expect(res.statusCode, `${path} ${JSON.stringify(body)} -> ${res.body}`).toBe(status);
    const error = res.json();
    expect(error).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status) });
    expect(error.scimType).toBe(scimType);
    expect(error.detail).toEqual(expect.any(String));
    return error;
  }

  async function expectUnchanged() {
    const user = (await scim.request('GET', `/Users/${userId}`)).json();
    expect(user).toMatchObject({ id: userId, userName: 'target@patcherrors.test', active: true, meta: { version: 'W/"1"' } });
    const group = (await scim.request('GET', `/Groups/${groupId}`)).json();
    expect(group).toMatchObject({ id: groupId, displayName: 'Target', meta: { version: 'W/"1"' } });
    expect(group.members.map((m: Json) => m.value)).toEqual([userId]);
  }

  for (const resource of ['Users', 'Groups']) {
    describe(`on /${resource}`, () => {
      const path = () => `/${resource}/${resource === 'Users' ? userId : groupId}`;

      it('remove without a path is 400 noTarget', async () => {
        await expectError(path(), patch({ op: 'remove' }), 400, 'noTarget');
        await expectError(path(), patch({ op: 'remove', value: { displayName: 'x' } }), 400, 'noTarget');
      });

      it('an unknown attribute is 400 invalidPath, as a path or as a key of a path-less value', async () => {
        await expectError(path(), patch({ op: 'replace', path: 'favouriteColour', value: 'red' }), 400, 'invalidPath');
        await expectError(path(), patch({ op: 'add', value: { favouriteColour: 'red' } }), 400, 'invalidPath');
        await expectError(path(), patch({ op: 'remove', path: 'members[colour eq "red"]' }), 400, 'invalidPath');
      });

      it('changing id or meta is 400 mutability', async () => {
        await expectError(path(), patch({ op: 'replace', path: 'id', value: 'another-id' }), 400, 'mutability');
        await expectError(path(), patch({ op: 'replace', value: { id: 'another-id' } }), 400, 'mutability');
        await expectError(path(), patch({ op: 'remove', path: 'id' }), 400, 'mutability');
        await expectError(path(), patch({ op: 'replace', path: 'meta.created', value: '2001-01-01T00:00:00Z' }), 400, 'mutability');
        await expectError(path(), patch({ op: 'replace', path: 'meta.version', value: 'W/"99"' }), 400, 'mutability');
        await expectError(path(), patch({ op: 'remove', path: 'meta' }), 400, 'mutability');
      });

      it('a bad PatchOp envelope is 400 invalidSyntax', async () => {
        const op = { op: 'replace', path: 'displayName', value: 'x' };
        await expectError(path(), { Operations: [op] }, 400, 'invalidSyntax');
        await expectError(path(), { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [op] }, 400, 'invalidSyntax');
        await expectError(path(), { schemas: [PATCH_SCHEMA] }, 400, 'invalidSyntax');
        await expectError(path(), { schemas: [PATCH_SCHEMA], Operations: [] }, 400, 'invalidSyntax');
        await expectError(path(), { schemas: [PATCH_SCHEMA], Operations: op }, 400, 'invalidSyntax');
        await expectError(path(), patch({ op: 'merge', path: 'displayName', value: 'x' }), 400, 'invalidSyntax');
        await expectError(path(), patch({ path: 'displayName', value: 'x' }), 400, 'invalidSyntax');
        await expectError(path(), { schemas: [PATCH_SCHEMA], Operations: ['replace'] }, 400, 'invalidSyntax');
        await expectError(path(), [op], 400, 'invalidSyntax');
        await expectError(path(), '{"schemas": [', 400, 'invalidSyntax');
      });
    });
  }

  describe('values of the wrong type', () => {
    it('is 400 invalidValue on a user', async () => {
      await expectError(`/Users/${userId}`, patch({ op: 'replace', path: 'active', value: 'maybe' }), 400, 'invalidValue');
      await expectError(`/Users/${userId}`, patch({ op: 'replace', path: 'active', value: 1 }), 400, 'invalidValue');
      await expectError(`/Users/${userId}`, patch({ op: 'replace', path: 'name.givenName', value: 42 }), 400, 'invalidValue');
      await expectError(`/Users/${userId}`, patch({ op: 'replace', path: 'name', value: 'Ann Lee' }), 400, 'invalidValue');
      await expectError(`/Users/${userId}`, patch({ op: 'replace', value: { displayName: ['a', 'b'] } }), 400, 'invalidValue');
      await expectError(`/Users/${userId}`, patch({ op: 'add', path: 'emails', value: [{ value: 7 }] }), 400, 'invalidValue');
      await expectError(`/Users/${userId}`, patch({ op: 'replace', path: 'displayName' }), 400, 'invalidValue');
    });

    it('is 400 invalidValue on a group', async () => {
      await expectError(`/Groups/${groupId}`, patch({ op: 'replace', path: 'displayName', value: 42 }), 400, 'invalidValue');
      await expectError(`/Groups/${groupId}`, patch({ op: 'replace', path: 'displayName', value: '' }), 400, 'invalidValue');
      await expectError(`/Groups/${groupId}`, patch({ op: 'add', path: 'members', value: 'not-a-list-of-members' }), 400, 'invalidValue');
      await expectError(`/Groups/${groupId}`, patch({ op: 'add', path: 'members', value: [{ value: 12 }] }), 400, 'invalidValue');
      await expectError(`/Groups/${groupId}`, patch({ op: 'replace', path: 'members', value: [{ display: 'no value' }] }), 400, 'invalidValue');
    });
  });

  describe('userName', () => {
    it('cannot be changed (400 mutability), in any way a client may try', async () => {
      await expectError(`/Users/${userId}`, patch({ op: 'replace', path: 'userName', value: 'other@patcherrors.test' }), 400, 'mutability');
      await expectError(`/Users/${userId}`, patch({ op: 'Replace', value: { userName: 'other@patcherrors.test' } }), 400, 'mutability');
      await expectError(`/Users/${userId}`, patch({ op: 'remove', path: 'userName' }), 400, 'mutability');
      await expectError(
        `/Users/${userId}`,
        patch({ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:userName', value: 'other@patcherrors.test' }),
        400,
        'mutability',
      );
    });
  });

  it('applied nothing of any refused request', async () => {
    await expectUnchanged();
  });
});
