// SCIM Users API: sorting (RFC 7644 section 3.4.2.3), index paging (section 3.4.2.4) and cursor
// paging (RFC 9865), through GET /Users and POST /Users/.search.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, newUser, scimClient, type ScimTestBed } from '../support/scim.ts';
import { newId } from '../../src/lib/ids.ts';
import { expectScimError, listOf, qs, SEARCH_SCHEMA, type ScimList, type ScimRequest } from './users-support.ts';

// Creation times one second apart, so meta.created orders the users unambiguously.
let offset = -3600_000;
const clock = { now: () => new Date(Date.now() + offset) };

interface Made {
  id: string;
  userName: string;
  familyName: string | null;
  created: string;
}

// Mixed case and repeats: sorting is case-insensitive (familyName is not caseExact) and ties
// are broken by id; users without a family name sort last when ascending.
const FAMILIES = ['delta', 'Alpha', 'charlie', 'Bravo', null, 'echo', 'alpha', 'Delta'];
const COUNT = 25;

let bed: ScimTestBed;
let request: ScimRequest;
let owner: Made;
const users: Made[] = [];

beforeAll(async () => {
  bed = await createScimTestBed({ clock });
  const client = await scimClient(bed, 'paging');
  request = client.request;
  const ownerUser = (await bed.system.repos.users.findById(client.organization.id, client.owner.id))!;
  owner = { id: ownerUser.id, userName: ownerUser.userName, familyName: null, created: ownerUser.createdAt.toISOString() };
  for (let i = 0; i < COUNT; i++) {
    offset += 1000;
    // userName order differs from creation order.
    const userName = `u${String((i * 7) % COUNT).padStart(2, '0')}@paging.test`;
    const familyName = FAMILIES[i % FAMILIES.length];
    const res = await request('POST', '/Users', newUser(userName, { name: { givenName: 'P', ...(familyName && { familyName }) } }));
    expect(res.statusCode, res.body).toBe(201);
    users.push({ id: res.json().id, userName, familyName, created: res.json().meta.created });
  }
  offset += 1000;
});

afterAll(async () => {
  await bed?.close();
});

const everyone = () => [owner, ...users];
const byId = (a: Made, b: Made) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byUserName = (a: Made, b: Made) => (a.userName < b.userName ? -1 : a.userName > b.userName ? 1 : 0);
const byCreated = (a: Made, b: Made) => Date.parse(a.created) - Date.parse(b.created) || byId(a, b);
function byFamilyName(a: Made, b: Made) {
  const x = a.familyName?.toLowerCase();
  const y = b.familyName?.toLowerCase();
  if (x === y) return byId(a, b);
  if (x === undefined) return 1;
  if (y === undefined) return -1;
  return x < y ? -1 : 1;
}
const ids = (list: Made[]) => list.map((u) => u.id);
const resourceIds = (list: ScimList) => list.Resources.map((r) => r.id);

async function get(params: Record<string, string | number>) {
  return listOf(await request('GET', `/Users${qs(params)}`));
}

/** Follows nextCursor from the first page to the last; returns every page. */
async function walk(params: Record<string, string | number>, via: 'GET' | 'POST' = 'GET'): Promise<ScimList[]> {
  const pages: ScimList[] = [];
  let cursor = '';
  for (let guard = 0; guard < 100; guard++) {
    const page =
      via === 'GET'
        ? await get({ ...params, cursor })
        : listOf(await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], ...params, cursor }));
    pages.push(page);
    expect(page.startIndex).toBeUndefined();
    expect(page.itemsPerPage).toBe(page.Resources.length);
    if (!page.nextCursor) return pages;
    cursor = page.nextCursor;
  }
  throw new Error('cursor paging did not end');
}

describe('sorting', () => {
  it('sorts by userName, ascending by default and descending on request', async () => {
    const expected = ids(everyone().sort(byUserName));
    expect(resourceIds(await get({ sortBy: 'userName' }))).toEqual(expected);
    expect(resourceIds(await get({ sortBy: 'userName', sortOrder: 'ascending' }))).toEqual(expected);
    expect(resourceIds(await get({ sortBy: 'userName', sortOrder: 'descending' }))).toEqual([...expected].reverse());
    expect(resourceIds(await get({ sortBy: 'USERNAME', sortOrder: 'Descending' }))).toEqual([...expected].reverse());
    expect(resourceIds(await get({ sortBy: 'urn:ietf:params:scim:schemas:core:2.0:User:userName' }))).toEqual(expected);
  });

  it('sorts by name.familyName case-insensitively, ties by id, no value last when ascending', async () => {
    const expected = ids(everyone().sort(byFamilyName));
    expect(resourceIds(await get({ sortBy: 'name.familyName' }))).toEqual(expected);
    expect(resourceIds(await get({ sortBy: 'name.familyName', sortOrder: 'descending' }))).toEqual([...expected].reverse());
  });

  it('sorts by meta.created', async () => {
    const expected = ids(everyone().sort(byCreated));
    expect(resourceIds(await get({ sortBy: 'meta.created' }))).toEqual(expected);
    expect(resourceIds(await get({ sortBy: 'meta.created', sortOrder: 'descending' }))).toEqual([...expected].reverse());
  });

  it('sorts by displayName as shown: the formatted name when none was set', async () => {
    // Every user here shows "P <familyName>" (or "P"), the owner nothing.
    const shown = (u: Made) => (u === owner ? undefined : `p ${u.familyName ?? ''}`.trim().toLowerCase());
    const expected = everyone().sort((a, b) => {
      const x = shown(a);
      const y = shown(b);
      if (x === y) return byId(a, b);
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return x < y ? -1 : 1;
    });
    expect(resourceIds(await get({ sortBy: 'displayName' }))).toEqual(ids(expected));
    expect((await walk({ sortBy: 'displayName', sortOrder: 'descending', count: 4 })).flatMap(resourceIds)).toEqual(ids(expected).reverse());
  });

  it('sorts a filtered list', async () => {
    const expected = users.filter((u) => u.familyName?.toLowerCase() === 'alpha' || u.familyName?.toLowerCase() === 'delta').sort(byFamilyName);
    const list = await get({ filter: 'name.familyName eq "alpha" or name.familyName eq "DELTA"', sortBy: 'name.familyName', sortOrder: 'descending' });
    expect(list.totalResults).toBe(expected.length);
    expect(resourceIds(list)).toEqual(ids(expected).reverse());
  });

  it('refuses to sort by an unknown attribute or in an unknown order (400)', async () => {
    expectScimError(await request('GET', `/Users${qs({ sortBy: 'shoeSize' })}`), 400, 'invalidValue');
    expectScimError(await request('GET', `/Users${qs({ sortBy: 'password' })}`), 400, 'invalidValue');
    expectScimError(await request('GET', `/Users${qs({ sortBy: 'urn:example:other:userName' })}`), 400, 'invalidValue');
    expectScimError(await request('GET', `/Users${qs({ sortBy: 'userName', sortOrder: 'sideways' })}`), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], sortBy: 'shoeSize' }), 400, 'invalidValue');
  });
});

describe('index paging', () => {
  it('pages with startIndex and count', async () => {
    const all = ids(everyone().sort(byUserName));
    const first = await get({ sortBy: 'userName', startIndex: 1, count: 10 });
    expect(first).toMatchObject({ totalResults: all.length, itemsPerPage: 10, startIndex: 1 });
    expect(first.nextCursor).toBeUndefined();
    expect(resourceIds(first)).toEqual(all.slice(0, 10));
    const middle = await get({ sortBy: 'userName', startIndex: 11, count: 10 });
    expect(resourceIds(middle)).toEqual(all.slice(10, 20));
    const last = await get({ sortBy: 'userName', startIndex: 21, count: 10 });
    expect(last).toMatchObject({ totalResults: all.length, itemsPerPage: all.length - 20, startIndex: 21 });
    expect(resourceIds(last)).toEqual(all.slice(20));
    const beyond = await get({ sortBy: 'userName', startIndex: 500, count: 10 });
    expect(beyond).toMatchObject({ totalResults: all.length, itemsPerPage: 0, startIndex: 500 });
    expect(beyond.Resources ?? []).toEqual([]);
  });

  it('reads startIndex below 1 as 1 and a negative count as 0 (RFC 7644 section 3.4.2.4)', async () => {
    const all = ids(everyone().sort(byUserName));
    const zero = await get({ sortBy: 'userName', startIndex: 0, count: 3 });
    expect(zero.startIndex).toBe(1);
    expect(resourceIds(zero)).toEqual(all.slice(0, 3));
    const negative = await get({ sortBy: 'userName', startIndex: -5, count: 3 });
    expect(resourceIds(negative)).toEqual(all.slice(0, 3));
    const none = await get({ count: -1 });
    expect(none).toMatchObject({ totalResults: all.length, itemsPerPage: 0 });
    expect(none.Resources ?? []).toEqual([]);
  });

  it('a startIndex beyond any list is an empty page, not a 500', async () => {
    // Regression: 1e20 reached the database as a float and failed there.
    for (const startIndex of ['100000000000000000000', '9007199254740993', '3000000000']) {
      const list = await get({ startIndex, count: 5 });
      expect(list).toMatchObject({ totalResults: COUNT + 1, itemsPerPage: 0 });
      expect(list.Resources ?? []).toEqual([]);
    }
    const huge = await get({ count: '100000000000000000000', sortBy: 'userName' });
    expect(huge.Resources).toHaveLength(COUNT + 1);
  });

  it('count=0 gives totalResults only', async () => {
    const list = await get({ count: 0 });
    expect(list).toMatchObject({ totalResults: COUNT + 1, itemsPerPage: 0 });
    expect(list.Resources ?? []).toEqual([]);
    const filtered = await get({ count: 0, filter: 'name.familyName eq "alpha"' });
    expect(filtered.totalResults).toBe(users.filter((u) => u.familyName?.toLowerCase() === 'alpha').length);
  });

  it('refuses counts and indexes that are not integers', async () => {
    expectScimError(await request('GET', `/Users${qs({ count: 'ten' })}`), 400, 'invalidValue');
    expectScimError(await request('GET', `/Users${qs({ startIndex: '1.5' })}`), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], count: '10; drop table users' }), 400, 'invalidValue');
  });

  it('pages a .search the same way', async () => {
    const all = ids(everyone().sort(byCreated));
    const list = listOf(await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], sortBy: 'meta.created', startIndex: 4, count: 5 }));
    expect(list).toMatchObject({ totalResults: all.length, startIndex: 4, itemsPerPage: 5 });
    expect(resourceIds(list)).toEqual(all.slice(3, 8));
  });
});

describe('cursor paging', () => {
  it('an empty cursor starts; nextCursor continues; the pages hold every user exactly once, in order', async () => {
    const expected = ids(everyone().sort(byCreated));
    const pages = await walk({ count: 7, sortBy: 'meta.created' });
    expect(pages).toHaveLength(Math.ceil(expected.length / 7));
    expect(pages.flatMap(resourceIds)).toEqual(expected);
    for (const page of pages) expect(page.totalResults).toBe(expected.length);
    expect(pages[pages.length - 1].nextCursor).toBeUndefined();
    for (const page of pages.slice(0, -1)) expect(page.Resources).toHaveLength(7);
  });

  it('walks in the default order too', async () => {
    const pages = await walk({ count: 4 });
    const seen = pages.flatMap(resourceIds);
    expect(seen.sort()).toEqual(ids(everyone()).sort());
  });

  it('walks a filtered list sorted by userName, descending', async () => {
    const filter = 'userName sw "u1" or userName sw "u2"';
    const expected = ids(users.filter((u) => /^u[12]/.test(u.userName)).sort(byUserName)).reverse();
    const pages = await walk({ filter, sortBy: 'userName', sortOrder: 'descending', count: 3 });
    expect(pages.flatMap(resourceIds)).toEqual(expected);
    expect(pages[0].totalResults).toBe(expected.length);
  });

  it('walks a list sorted by name.familyName (ties and missing values included), both ways', async () => {
    const expected = ids(everyone().sort(byFamilyName));
    expect((await walk({ sortBy: 'name.familyName', count: 3 })).flatMap(resourceIds)).toEqual(expected);
    expect((await walk({ sortBy: 'name.familyName', sortOrder: 'descending', count: 2 })).flatMap(resourceIds)).toEqual([...expected].reverse());
  });

  it('walks through POST /Users/.search', async () => {
    const expected = ids(everyone().sort(byUserName));
    const pages = await walk({ sortBy: 'userName', count: 10 }, 'POST');
    expect(pages.flatMap(resourceIds)).toEqual(expected);
  });

  it('a page size larger than the list ends on the first page', async () => {
    const list = await get({ cursor: '', count: 1000 });
    expect(list.nextCursor).toBeUndefined();
    expect(list.Resources).toHaveLength(COUNT + 1);
  });

  it('count=0 with a cursor gives totalResults only', async () => {
    const list = await get({ cursor: '', count: 0 });
    expect(list.totalResults).toBe(COUNT + 1);
    expect(list.Resources ?? []).toEqual([]);
  });

  it('refuses a cursor reused with another filter or sort (400 invalidCursor)', async () => {
    const first = await get({ cursor: '', count: 5, filter: 'userName sw "u"', sortBy: 'userName' });
    const cursor = first.nextCursor!;
    expect(cursor).toBeTruthy();
    // The same query continues.
    expect((await get({ cursor, count: 5, filter: 'userName sw "u"', sortBy: 'userName' })).Resources).toHaveLength(5);
    expectScimError(await request('GET', `/Users${qs({ cursor, count: 5, filter: 'userName sw "u0"', sortBy: 'userName' })}`), 400, 'invalidCursor');
    expectScimError(await request('GET', `/Users${qs({ cursor, count: 5, sortBy: 'userName' })}`), 400, 'invalidCursor');
    expectScimError(await request('GET', `/Users${qs({ cursor, count: 5, filter: 'userName sw "u"', sortBy: 'meta.created' })}`), 400, 'invalidCursor');
    expectScimError(
      await request('GET', `/Users${qs({ cursor, count: 5, filter: 'userName sw "u"', sortBy: 'userName', sortOrder: 'descending' })}`),
      400,
      'invalidCursor',
    );
  });

  it('refuses garbage cursors (400 invalidCursor)', async () => {
    const b64 = (value: string) => Buffer.from(value).toString('base64url');
    for (const cursor of ['garbage', '!!!', 'null', b64('null'), b64('{}'), b64('[1,2]'), b64('{"k":1,"v":2,"i":3}'), 'a'.repeat(5000)]) {
      expectScimError(await request('GET', `/Users${qs({ cursor, count: 5 })}`), 400, 'invalidCursor');
    }
  });

  it('refuses a cursor whose position was tampered with (400, never 500)', async () => {
    const params = { count: 3, sortBy: 'meta.created' };
    const first = await get({ ...params, cursor: '' });
    const payload = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString('utf8'));
    for (const v of ['not a date', '', 12, true, { a: 1 }]) {
      const forged = Buffer.from(JSON.stringify({ ...payload, v })).toString('base64url');
      expectScimError(await request('GET', `/Users${qs({ ...params, cursor: forged })}`), 400, 'invalidCursor');
    }
    const forgedId = Buffer.from(JSON.stringify({ ...payload, i: { $ne: 1 } })).toString('base64url');
    expectScimError(await request('GET', `/Users${qs({ ...params, cursor: forgedId })}`), 400, 'invalidCursor');
  });

  it('refuses cursor together with startIndex (400)', async () => {
    expectScimError(await request('GET', `/Users${qs({ cursor: '', startIndex: 1 })}`), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], cursor: '', startIndex: 1 }), 400, 'invalidValue');
  });

  it('keeps its place when users are added before it', async () => {
    const params = { sortBy: 'userName', count: 10 };
    const first = await get({ ...params, cursor: '' });
    // A user that sorts before everything on the first page.
    offset += 1000;
    const early = await request('POST', '/Users', newUser('a-early@paging.test'));
    expect(early.statusCode).toBe(201);
    try {
      const second = await get({ ...params, cursor: first.nextCursor! });
      const expected = ids(everyone().sort(byUserName));
      expect(resourceIds(second)).toEqual(expected.slice(10, 20));
    } finally {
      await request('DELETE', `/Users/${early.json().id}`);
    }
  });
});

describe('count is capped at the advertised maximum', () => {
  it('ServiceProviderConfig advertises 1000 and a larger count returns 1000', async () => {
    const config = (await bed.app.inject({ method: 'GET', url: '/t/paging/scim2/ServiceProviderConfig' })).json();
    expect(config.filter.maxResults).toBe(1000);

    // 1,010 users more, written straight to the store for speed.
    const client = await scimClient(bed, 'bigorg');
    const orgId = client.organization.id;
    await bed.system.repos.transaction(async (tx) => {
      for (let i = 0; i < 1010; i++) {
        const now = new Date(Date.parse('2020-01-01T00:00:00Z') + i * 1000);
        await tx.users.insert({
          id: newId(),
          orgId,
          userName: `bulk${String(i).padStart(4, '0')}@bigorg.test`,
          givenName: null,
          familyName: null,
          userType: 'customer',
          adminRole: null,
          accountState: 'active',
          emailVerified: false,
          createdAt: now,
          modifiedAt: now,
          version: 1,
        });
      }
    });
    const list = listOf(await client.request('GET', `/Users${qs({ count: 5000, attributes: 'userName' })}`));
    expect(list.totalResults).toBe(1011);
    expect(list.itemsPerPage).toBe(1000);
    expect(list.Resources).toHaveLength(1000);
    const viaCursor = listOf(await client.request('GET', `/Users${qs({ count: 5000, cursor: '', attributes: 'userName' })}`));
    expect(viaCursor.Resources).toHaveLength(1000);
    expect(viaCursor.nextCursor).toBeTruthy();
    const rest = listOf(await client.request('GET', `/Users${qs({ count: 5000, cursor: viaCursor.nextCursor!, attributes: 'userName' })}`));
    expect(rest.Resources).toHaveLength(11);
    expect(rest.nextCursor).toBeUndefined();
    const seen = new Set([...viaCursor.Resources, ...rest.Resources].map((r) => r.id));
    expect(seen.size).toBe(1011);
  });
});
