// /Groups: create, read, list (filter, sort, cursor paging), replace and delete, the users'
// read-only `groups` attribute, and ETags with If-Match.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, GROUP_SCHEMA, type ScimTestBed } from '../support/scim.ts';
import { newId } from '../../src/lib/ids.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;
type Json = Record<string, any>;

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

function group(displayName: string, members: string[] = [], extra: Json = {}) {
  return { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })), ...extra };
}

describe('SCIM Groups: create, read, list, replace, delete', () => {
  let bed: ScimTestBed;
  let scim: Client;

  async function createUser(userName: string): Promise<string> {
    const res = await scim.request('POST', '/Users', newUser(userName));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function createGroup(displayName: string, members: string[] = []): Promise<Json> {
    const res = await scim.request('POST', '/Groups', group(displayName, members));
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  async function countGroups(): Promise<number> {
    return Number(
      (await bed.system.db.selectFrom('groups').select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', scim.organization.id).executeTakeFirstOrThrow()).n,
    );
  }

  beforeAll(async () => {
    bed = await createScimTestBed();
    scim = await scimClient(bed, 'grouporg');
  });
  afterAll(() => bed.close());

  describe('POST /Groups', () => {
    it('creates a group with members and answers 201 with Location, ETag and the members', async () => {
      const ann = await createUser('ann@grouporg.test');
      const bob = await createUser('bob@grouporg.test');
      const res = await scim.request('POST', '/Groups', group('Creators', [ann, bob], { externalId: 'ext-creators' }));
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      expect(body.schemas).toEqual([GROUP_SCHEMA]);
      expect(body).toMatchObject({ displayName: 'Creators', externalId: 'ext-creators', meta: { resourceType: 'Group', version: 'W/"1"' } });
      expect(body.id).toEqual(expect.any(String));
      expect(res.headers.location).toBe(body.meta.location);
      expect(body.meta.location).toBe(`http://localhost:3000/t/grouporg/scim2/Groups/${body.id}`);
      expect(res.headers.etag).toBe('W/"1"');
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      const members = (body.members as Json[]).map((m) => ({ value: m.value, display: m.display, $ref: m.$ref }));
      expect(members).toEqual(
        expect.arrayContaining([
          { value: ann, display: 'ann@grouporg.test', $ref: `http://localhost:3000/t/grouporg/scim2/Users/${ann}` },
          { value: bob, display: 'bob@grouporg.test', $ref: `http://localhost:3000/t/grouporg/scim2/Users/${bob}` },
        ]),
      );
      expect(members).toHaveLength(2);
    });

    it('keeps displayName unique in the organization ignoring letter case (409 uniqueness)', async () => {
      await createGroup('Support Team');
      for (const name of ['Support Team', 'support team', 'SUPPORT TEAM', '  Support Team  ']) {
        const res = await scim.request('POST', '/Groups', group(name));
        expect(res.statusCode, name).toBe(409);
        expect(res.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
      }
      const found = await scim.request('GET', `/Groups?filter=${encodeURIComponent('displayName eq "support team"')}`);
      expect(found.json().totalResults).toBe(1);
    });

    it('refuses members that are not users of the organization and creates nothing', async () => {
      const ann = await createUser('carl@grouporg.test');
      const before = await countGroups();
      const res = await scim.request('POST', '/Groups', group('Ghosts', [ann, 'no-such-user']));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidValue' });
      expect(res.json().detail).toContain('no-such-user');
      expect(await countGroups()).toBe(before);
      const search = await scim.request('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Ghosts"')}`);
      expect(search.json().totalResults).toBe(0);
      // The name is still free: nothing half-created holds it.
      expect((await scim.request('POST', '/Groups', group('Ghosts'))).statusCode).toBe(201);
    });

    // Regression: every create was refused with "meta is read-only" although Entra ID sends
    // `"meta": {"resourceType": "Group"}` with each one.
    it('accepts meta that only names the resource type (as Entra ID sends), refuses any other meta', async () => {
      const ok = await scim.request('POST', '/Groups', group('Meta Type', [], { meta: { resourceType: 'Group' } }));
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json().meta).toMatchObject({ resourceType: 'Group', version: 'W/"1"' });
      for (const meta of [{ resourceType: 'User' }, { resourceType: 'Group', version: 'W/"7"' }, { created: '2001-01-01T00:00:00Z' }, 'Group']) {
        const res = await scim.request('POST', '/Groups', group('Meta Refused', [], { meta }));
        expect(res.statusCode, JSON.stringify(meta)).toBe(400);
        expect(res.json().scimType).toBe('mutability');
      }
    });

    it('refuses a group without displayName, and an id chosen by the client', async () => {
      const noName = await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], members: [] });
      expect(noName.statusCode).toBe(400);
      expect(noName.json().scimType).toBe('invalidValue');
      const withId = await scim.request('POST', '/Groups', group('Chosen Id', [], { id: 'my-own-id' }));
      expect(withId.statusCode).toBe(400);
      expect(withId.json().scimType).toBe('mutability');
    });
  });

  describe('GET /Groups/{id}', () => {
    let groupId: string;
    let memberId: string;

    beforeAll(async () => {
      memberId = await createUser('reader@grouporg.test');
      groupId = (await createGroup('Readers', [memberId])).id;
    });

    it('returns the group with its members and an ETag', async () => {
      const res = await scim.request('GET', `/Groups/${groupId}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBe('W/"1"');
      expect(res.json()).toMatchObject({ id: groupId, displayName: 'Readers', members: [{ value: memberId, display: 'reader@grouporg.test' }] });
    });

    it('leaves the members out with excludedAttributes=members (what Entra ID asks for)', async () => {
      const res = await scim.request('GET', `/Groups/${groupId}?excludedAttributes=members`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).not.toHaveProperty('members');
      expect(body).toMatchObject({ id: groupId, displayName: 'Readers', meta: { resourceType: 'Group' } });
    });

    it('answers 404 in the SCIM error shape for an unknown id', async () => {
      const res = await scim.request('GET', '/Groups/does-not-exist');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
    });
  });

  describe('GET /Groups (list)', () => {
    const names = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo'];
    let byName: Record<string, string>;
    let member: string;
    let other: string;
    let lister: Client;

    beforeAll(async () => {
      // A separate organization so that other tests' groups do not show up in the lists.
      lister = await scimClient(bed, 'listorg');
      member = (await lister.request('POST', '/Users', newUser('m@listorg.test'))).json().id;
      other = (await lister.request('POST', '/Users', newUser('o@listorg.test'))).json().id;
      byName = {};
      for (const name of names) {
        const members = name === 'Bravo' || name === 'echo' ? [member] : name === 'delta' ? [other] : [];
        const res = await lister.request('POST', '/Groups', group(name, members));
        expect(res.statusCode, res.body).toBe(201);
        byName[name] = res.json().id;
      }
    });

    it('filters by displayName eq, ignoring case', async () => {
      const res = await lister.request('GET', `/Groups?filter=${encodeURIComponent('displayName eq "CHARLIE"')}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 1, itemsPerPage: 1, startIndex: 1 });
      expect(body.Resources.map((g: Json) => g.id)).toEqual([byName.charlie]);
    });

    it('filters by membership: members[value eq "<user id>"]', async () => {
      const res = await lister.request('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${member}"]`)}&excludedAttributes=members`);
      expect(res.statusCode, res.body).toBe(200);
      const ids = res.json().Resources.map((g: Json) => g.id).sort();
      expect(ids).toEqual([byName.Bravo, byName.echo].sort());
      expect(res.json().Resources.every((g: Json) => !('members' in g))).toBe(true);
      const none = await lister.request('GET', `/Groups?filter=${encodeURIComponent('members[value eq "nobody"]')}`);
      expect(none.json()).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it('includes the members in a list unless they are excluded', async () => {
      const res = await lister.request('GET', `/Groups?filter=${encodeURIComponent('displayName eq "delta"')}`);
      expect(res.json().Resources[0].members).toEqual([expect.objectContaining({ value: other, display: 'o@listorg.test' })]);
      const excluded = await lister.request('GET', `/Groups?filter=${encodeURIComponent('displayName eq "delta"')}&excludedAttributes=members`);
      expect(excluded.json().Resources[0]).not.toHaveProperty('members');
    });

    it('sorts by displayName ignoring case, both ways', async () => {
      const asc = await lister.request('GET', '/Groups?sortBy=displayName&excludedAttributes=members');
      expect(asc.statusCode, asc.body).toBe(200);
      expect(asc.json().Resources.map((g: Json) => g.displayName)).toEqual(['Alpha', 'Bravo', 'charlie', 'delta', 'echo']);
      const desc = await lister.request('GET', '/Groups?sortBy=displayName&sortOrder=descending');
      expect(desc.json().Resources.map((g: Json) => g.displayName)).toEqual(['echo', 'delta', 'charlie', 'Bravo', 'Alpha']);
    });

    it('pages with startIndex and count', async () => {
      const res = await lister.request('GET', '/Groups?sortBy=displayName&startIndex=2&count=2');
      expect(res.json()).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 2 });
      expect(res.json().Resources.map((g: Json) => g.displayName)).toEqual(['Bravo', 'charlie']);
    });

    for (const sortBy of ['displayName', 'meta.created']) {
      it(`pages with a cursor through every group exactly once (sortBy=${sortBy})`, async () => {
        const seen: string[] = [];
        let cursor = '';
        for (let page = 0; page < 10; page += 1) {
          const res = await lister.request('GET', `/Groups?sortBy=${sortBy}&count=2&cursor=${encodeURIComponent(cursor)}&excludedAttributes=members`);
          expect(res.statusCode, res.body).toBe(200);
          const body = res.json();
          expect(body.totalResults).toBe(5);
          expect(body).not.toHaveProperty('startIndex');
          seen.push(...body.Resources.map((g: Json) => g.displayName));
          if (!body.nextCursor) break;
          expect(body.Resources).toHaveLength(2);
          cursor = body.nextCursor;
        }
        expect(seen).toHaveLength(5);
        expect(new Set(seen)).toEqual(new Set(names));
        if (sortBy === 'displayName') expect(seen).toEqual(['Alpha', 'Bravo', 'charlie', 'delta', 'echo']);
      });
    }

    it('refuses a cursor issued for another sort order', async () => {
      const first = await lister.request('GET', '/Groups?sortBy=displayName&count=2&cursor=');
      const cursor = first.json().nextCursor;
      expect(cursor).toEqual(expect.any(String));
      const res = await lister.request('GET', `/Groups?sortBy=meta.created&count=2&cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().scimType).toBe('invalidCursor');
    });

    it('searches through POST /Groups/.search too', async () => {
      const res = await lister.request('POST', '/Groups/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'displayName eq "alpha"',
        excludedAttributes: ['members'],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().Resources.map((g: Json) => g.id)).toEqual([byName.Alpha]);
    });

    it('answers 400 invalidFilter for a filter on an unknown attribute', async () => {
      const res = await lister.request('GET', `/Groups?filter=${encodeURIComponent('colour eq "red"')}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().scimType).toBe('invalidFilter');
    });
  });

  describe('PUT /Groups/{id}', () => {
    it('renames the group and replaces the whole member list', async () => {
      const [a, b, c] = [await createUser('put-a@grouporg.test'), await createUser('put-b@grouporg.test'), await createUser('put-c@grouporg.test')];
      const created = await createGroup('Put Before', [a, b]);
      const res = await scim.request('PUT', `/Groups/${created.id}`, group('Put After', [b, c]));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers.etag).toBe('W/"2"');
      const body = res.json();
      expect(body).toMatchObject({ id: created.id, displayName: 'Put After', meta: { version: 'W/"2"' } });
      expect(body.members.map((m: Json) => m.value).sort()).toEqual([b, c].sort());
      const read = (await scim.request('GET', `/Groups/${created.id}`)).json();
      expect(read.displayName).toBe('Put After');
      expect(read.members.map((m: Json) => m.value).sort()).toEqual([b, c].sort());
      const userA = (await scim.request('GET', `/Users/${a}`)).json();
      expect(userA.groups ?? []).toEqual([]);
    });

    it('empties the member list when members is left out', async () => {
      const a = await createUser('put-empty@grouporg.test');
      const created = await createGroup('Put Empty', [a]);
      const res = await scim.request('PUT', `/Groups/${created.id}`, { schemas: [GROUP_SCHEMA], displayName: 'Put Empty' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().members).toEqual([]);
    });

    it('refuses a rename to a name another group has (409), changing nothing', async () => {
      const a = await createUser('put-taken@grouporg.test');
      await createGroup('Taken By Put');
      const created = await createGroup('Put Victim', [a]);
      const res = await scim.request('PUT', `/Groups/${created.id}`, group('taken by put', []));
      expect(res.statusCode).toBe(409);
      expect(res.json().scimType).toBe('uniqueness');
      const read = (await scim.request('GET', `/Groups/${created.id}`)).json();
      expect(read).toMatchObject({ displayName: 'Put Victim', meta: { version: 'W/"1"' } });
      expect(read.members.map((m: Json) => m.value)).toEqual([a]);
    });

    it('refuses unknown members (400) and keeps the old list', async () => {
      const a = await createUser('put-unknown@grouporg.test');
      const created = await createGroup('Put Unknown', [a]);
      const res = await scim.request('PUT', `/Groups/${created.id}`, group('Put Unknown', ['nobody-here']));
      expect(res.statusCode).toBe(400);
      const read = (await scim.request('GET', `/Groups/${created.id}`)).json();
      expect(read.members.map((m: Json) => m.value)).toEqual([a]);
      expect(read.meta.version).toBe('W/"1"');
    });

    it('refuses a different id in the body (400 mutability) and answers 404 for an unknown group', async () => {
      const created = await createGroup('Put Id');
      const res = await scim.request('PUT', `/Groups/${created.id}`, group('Put Id', [], { id: 'another-id' }));
      expect(res.statusCode).toBe(400);
      expect(res.json().scimType).toBe('mutability');
      expect((await scim.request('PUT', '/Groups/no-such-group', group('Nothing'))).statusCode).toBe(404);
    });
  });

  // Regression: a member list longer than one statement's bind parameters (16,384 rows in
  // PostgreSQL, 8,192 in SQLite) answered 500 on create, PUT and PATCH replace.
  describe('a group with 16,400 members (within the 1 MiB body limit)', () => {
    const COUNT = 16_400;
    let ids: string[];
    let big: Client;

    beforeAll(async () => {
      big = await scimClient(bed, 'bigorg');
      // Users straight into the table: 16,400 SCIM creates would take minutes.
      const now = new Date();
      ids = Array.from({ length: COUNT }, () => newId());
      for (let i = 0; i < COUNT; i += 500) {
        await bed.system.db
          .insertInto('users')
          .values(
            ids.slice(i, i + 500).map((id, j) => ({
              id,
              org_id: big.organization.id,
              user_name: `member-${i + j}@bigorg.test`,
              given_name: null,
              family_name: null,
              user_type: 'customer' as const,
              admin_role: null,
              account_state: 'active' as const,
              email_verified: false,
              created_at: now,
              modified_at: now,
              version: 1,
              external_id: null,
              display_name: null,
              enterprise_json: null,
            })),
          )
          .execute();
      }
    });

    async function memberCount(groupId: string): Promise<number> {
      const row = await bed.system.db.selectFrom('group_members').select((eb) => eb.fn.countAll().as('n')).where('group_id', '=', groupId).executeTakeFirstOrThrow();
      return Number(row.n);
    }

    it('creates it and replaces its whole member list', { timeout: 90_000 }, async () => {
      const created = await big.request('POST', '/Groups', group('Everyone', ids));
      expect(created.statusCode, created.body.slice(0, 300)).toBe(201);
      const groupId = created.json().id;
      expect(created.json().members).toHaveLength(COUNT);
      expect(await memberCount(groupId)).toBe(COUNT);

      // A replace of the whole list (PUT and PATCH replace share it): all rows out, all in again.
      const replaced = await big.request('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'members', value: [...ids].reverse().map((value) => ({ value })) }],
      });
      expect(replaced.statusCode, replaced.body.slice(0, 300)).toBe(200);
      expect(await memberCount(groupId)).toBe(COUNT);

      const listed = await big.request('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${ids[COUNT - 1]}"]`)}&excludedAttributes=members`);
      expect(listed.json().Resources.map((g: Json) => g.id)).toEqual([groupId]);
    });
  });

  describe('DELETE /Groups/{id}', () => {
    it('deletes the group and its memberships; the users stay', async () => {
      const a = await createUser('del-a@grouporg.test');
      const b = await createUser('del-b@grouporg.test');
      const created = await createGroup('Doomed', [a, b]);
      const keep = await createGroup('Survivor', [a]);
      const res = await scim.request('DELETE', `/Groups/${created.id}`);
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      expect((await scim.request('GET', `/Groups/${created.id}`)).statusCode).toBe(404);
      expect((await scim.request('DELETE', `/Groups/${created.id}`)).statusCode).toBe(404);

      const userA = await scim.request('GET', `/Users/${a}`);
      expect(userA.statusCode).toBe(200);
      expect(userA.json().groups.map((g: Json) => g.value)).toEqual([keep.id]);
      const userB = await scim.request('GET', `/Users/${b}`);
      expect(userB.statusCode).toBe(200);
      expect(userB.json().groups ?? []).toEqual([]);
      const rows = await bed.system.db.selectFrom('group_members').selectAll().where('group_id', '=', created.id).execute();
      expect(rows).toEqual([]);
    });
  });

  describe("a user's groups attribute", () => {
    it('lists the groups the user is a member of, following membership changes', async () => {
      const u = await createUser('member-of@grouporg.test');
      const g1 = await createGroup('Zeta Members', [u]);
      const g2 = await createGroup('Eta Members', [u]);
      let user = (await scim.request('GET', `/Users/${u}`)).json();
      expect(user.groups).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ value: g1.id, display: 'Zeta Members', $ref: `http://localhost:3000/t/grouporg/scim2/Groups/${g1.id}` }),
          expect.objectContaining({ value: g2.id, display: 'Eta Members' }),
        ]),
      );
      expect(user.groups).toHaveLength(2);

      const patched = await scim.request('PATCH', `/Groups/${g1.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'remove', path: `members[value eq "${u}"]` }],
      });
      expect(patched.statusCode, patched.body).toBe(200);
      user = (await scim.request('GET', `/Users/${u}`)).json();
      expect(user.groups.map((g: Json) => g.value)).toEqual([g2.id]);

      const listed = await scim.request('GET', `/Users?filter=${encodeURIComponent('userName eq "member-of@grouporg.test"')}`);
      expect(listed.json().Resources[0].groups.map((g: Json) => g.value)).toEqual([g2.id]);
    });

    it('cannot be changed through the user (groups is read-only)', async () => {
      const u = await createUser('readonly-groups@grouporg.test');
      const g = await createGroup('Read Only Groups');
      const res = await scim.request('PATCH', `/Users/${u}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'groups', value: [{ value: g.id }] }],
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().scimType).toBe('mutability');
      expect((await scim.request('GET', `/Groups/${g.id}`)).json().members).toEqual([]);
    });
  });

  describe('ETags and If-Match', () => {
    const patchBody = (name: string) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: name }],
    });

    it('refuses a stale If-Match on PUT, PATCH and DELETE with 412, changing nothing', async () => {
      const u = await createUser('etag@grouporg.test');
      const created = await createGroup('Etag Group', [u]);
      const stale = 'W/"1"';
      // Move the group to version 2.
      const bumped = await scim.request('PATCH', `/Groups/${created.id}`, patchBody('Etag Group 2'), { 'if-match': stale });
      expect(bumped.statusCode, bumped.body).toBe(200);
      expect(bumped.headers.etag).toBe('W/"2"');

      const put = await scim.request('PUT', `/Groups/${created.id}`, group('Etag Put', []), { 'if-match': stale });
      expect(put.statusCode).toBe(412);
      expect(put.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '412' });
      const patch = await scim.request('PATCH', `/Groups/${created.id}`, patchBody('Etag Patch'), { 'if-match': stale });
      expect(patch.statusCode).toBe(412);
      const membership = await scim.request(
        'PATCH',
        `/Groups/${created.id}`,
        { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: u }] }] },
        { 'if-match': stale },
      );
      expect(membership.statusCode).toBe(412);
      const del = await scim.request('DELETE', `/Groups/${created.id}`, undefined, { 'if-match': stale });
      expect(del.statusCode).toBe(412);
      const garbage = await scim.request('DELETE', `/Groups/${created.id}`, undefined, { 'if-match': 'not-an-etag' });
      expect(garbage.statusCode).toBe(412);

      const read = await scim.request('GET', `/Groups/${created.id}`);
      expect(read.headers.etag).toBe('W/"2"');
      expect(read.json()).toMatchObject({ displayName: 'Etag Group 2', members: [expect.objectContaining({ value: u })] });
    });

    it('accepts the current ETag (weak or strong form) and *', async () => {
      const created = await createGroup('Etag Ok');
      const put = await scim.request('PUT', `/Groups/${created.id}`, group('Etag Ok 2'), { 'if-match': 'W/"1"' });
      expect(put.statusCode, put.body).toBe(200);
      const patch = await scim.request('PATCH', `/Groups/${created.id}`, patchBody('Etag Ok 3'), { 'if-match': '"2"' });
      expect(patch.statusCode, patch.body).toBe(200);
      expect(patch.headers.etag).toBe('W/"3"');
      const del = await scim.request('DELETE', `/Groups/${created.id}`, undefined, { 'if-match': '*' });
      expect(del.statusCode).toBe(204);
    });
  });
});
