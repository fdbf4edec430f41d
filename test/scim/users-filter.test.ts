// SCIM Users API: filters (RFC 7644 section 3.4.2.2) through GET /Users and POST /Users/.search,
// over a fixed set of users whose expected matches are written out by hand.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, GROUP_SCHEMA, newUser, scimClient, type ScimTestBed } from '../support/scim.ts';
import { ENTERPRISE_SCHEMA, expectScimError, listOf, qs, SEARCH_SCHEMA, WSO2_SCHEMA, type ScimRequest } from './users-support.ts';

// Creation times one second apart, so meta.created comparisons are unambiguous.
let offset = -3600_000;
const clock = { now: () => new Date(Date.now() + offset) };

let bed: ScimTestBed;
let request: ScimRequest;
const created: Record<string, { id: string; meta: { created: string } }> = {};

const OWNER = 'owner@filters.test';
const ALICE = 'alice@acme.test';
const BOB = 'bob@acme.test';
const CAROL = 'carol@example.org';
const DAVE = 'dave_x@acme.test';
const EVE = 'eve@acme.test';
const PERCY = 'per%cent@acme.test';
const BETH = 'back\\slash@acme.test';
const ALL = [OWNER, ALICE, BOB, CAROL, DAVE, EVE, PERCY, BETH];
const ACME = [ALICE, BOB, DAVE, EVE, PERCY, BETH];
const except = (...names: string[]) => ALL.filter((n) => !names.includes(n));

beforeAll(async () => {
  bed = await createScimTestBed({ clock });
  const client = await scimClient(bed, 'filters');
  request = client.request;
  const group = await request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Filter Staff' });
  expect(group.statusCode, group.body).toBe(201);
  const users: Array<[string, Record<string, unknown>]> = [
    [
      'Alice@Acme.Test',
      {
        name: { givenName: 'Alice', familyName: 'Smith' },
        displayName: 'Alice S',
        externalId: 'ext-alice',
        emails: [{ value: 'Alice.Home@Example.org', type: 'home' }],
        [ENTERPRISE_SCHEMA]: { department: 'Sales' },
        groups: [{ value: group.json().id }],
      },
    ],
    [BOB, { name: { givenName: 'Bob', familyName: 'Jones' }, active: false, emails: [{ value: 'bob.work2@acme.test', type: 'work' }] }],
    [CAROL, { name: { givenName: 'Carol', familyName: 'Smithers' }, [WSO2_SCHEMA]: { askPassword: true } }],
    [DAVE, { name: { givenName: 'Dave', familyName: 'Brown' } }],
    [EVE, { name: { givenName: 'Eve', familyName: 'Adams' }, [WSO2_SCHEMA]: { accountLocked: true, emailVerified: true } }],
    [PERCY, { name: { givenName: 'Percy', familyName: 'Cent' } }],
    [BETH, { name: { givenName: 'Beth', familyName: 'Back' } }],
  ];
  for (const [userName, extra] of users) {
    offset += 1000;
    const res = await request('POST', '/Users', newUser(userName, extra));
    expect(res.statusCode, res.body).toBe(201);
    created[res.json().userName] = res.json();
  }
  offset += 1000;
});

afterAll(async () => {
  await bed?.close();
});

async function matches(filter: string): Promise<string[]> {
  const list = listOf(await request('GET', `/Users${qs({ filter, count: 1000 })}`));
  expect(list.totalResults).toBe(list.Resources.length);
  return list.Resources.map((u) => u.userName).sort();
}

async function searched(filter: string): Promise<string[]> {
  const list = listOf(await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], filter, count: 1000 }));
  expect(list.totalResults).toBe(list.Resources.length);
  return list.Resources.map((u) => u.userName).sort();
}

const sorted = (names: string[]) => [...names].sort();

describe('filter operators', () => {
  const cases: Array<[string, string[]]> = [
    ['userName eq "alice@acme.test"', [ALICE]],
    ['userName ne "alice@acme.test"', except(ALICE)],
    ['userName co "ACME"', ACME],
    ['userName sw "CA"', [CAROL]],
    ['userName ew ".ORG"', [CAROL]],
    ['userName ew "_x@acme.test"', [DAVE]],
    ['name.familyName eq "smith"', [ALICE]],
    ['name.familyName co "MIT"', [ALICE, CAROL]],
    ['name.familyName sw "smith"', [ALICE, CAROL]],
    ['name.familyName ew "S"', [BOB, CAROL, EVE]],
    ['name.givenName gt "c"', [CAROL, DAVE, EVE, PERCY]],
    ['name.givenName ge "carol"', [CAROL, DAVE, EVE, PERCY]],
    ['name.givenName gt "carol"', [DAVE, EVE, PERCY]],
    ['name.givenName lt "B"', [ALICE]],
    ['name.givenName le "bob"', [ALICE, BETH, BOB]],
    ['name.givenName pr', except(OWNER)],
    ['name.givenName eq null', [OWNER]],
    ['displayName eq "alice s"', [ALICE]],
    // Without a displayName of its own, a user shows (and is found by) the formatted name.
    ['displayName eq "carol smithers"', [CAROL]],
    ['displayName sw "Bo"', [BOB]],
    ['displayName pr', except(OWNER)],
    ['not (displayName pr)', [OWNER]],
    ['externalId pr', [ALICE]],
    ['externalId eq "ext-alice"', [ALICE]],
    // externalId is caseExact (RFC 7643 section 3.1).
    ['externalId eq "EXT-ALICE"', []],
    ['active eq false', [BOB]],
    ['active eq true', except(BOB)],
    ['active ne true', [BOB]],
    ['meta.resourceType eq "User"', ALL],
    ['meta.lastModified pr', ALL],
    ['userName eq "x\' or \'1\'=\'1"', []],
  ];
  for (const [filter, expected] of cases) {
    it(filter, async () => {
      expect(await matches(filter)).toEqual(sorted(expected));
    });
  }

  it('id eq', async () => {
    expect(await matches(`id eq "${created[ALICE].id}"`)).toEqual([ALICE]);
    expect(await matches(`id eq "${created[ALICE].id.toUpperCase()}"`)).toEqual(created[ALICE].id === created[ALICE].id.toUpperCase() ? [ALICE] : []);
  });
});

describe('case-insensitivity', () => {
  const cases: Array<[string, string[]]> = [
    ['userName eq "ALICE@ACME.TEST"', [ALICE]],
    ['USERNAME EQ "alice@acme.test"', [ALICE]],
    ['UserName Eq "Alice@Acme.Test"', [ALICE]],
    ['NAME.FAMILYNAME Sw "SMITH"', [ALICE, CAROL]],
    ['emails.value eq "ALICE.HOME@EXAMPLE.ORG"', [ALICE]],
    ['EMAILS[TYPE EQ "HOME"]', [ALICE]],
    ['userName eq "alice@acme.test" AND active EQ true', [ALICE]],
    ['userName eq "alice@acme.test" Or userName eq "bob@acme.test"', [ALICE, BOB]],
    ['NOT (userName co "acme")', [CAROL, OWNER]],
  ];
  for (const [filter, expected] of cases) {
    it(filter, async () => {
      expect(await matches(filter)).toEqual(sorted(expected));
    });
  }
});

describe('schema-qualified attribute names', () => {
  const cases: Array<[string, string[]]> = [
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "alice@acme.test"', [ALICE]],
    ['URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:USERNAME eq "alice@acme.test"', [ALICE]],
    ['urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "Smith"', [ALICE]],
    ['urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "home"]', [ALICE]],
    ['urn:scim:wso2:schema:accountState eq "PENDING"', [CAROL]],
    ['urn:scim:wso2:schema:accountState eq "pending"', [CAROL]],
    ['accountState eq "PENDING"', [CAROL]],
    ['urn:scim:wso2:schema:accountState eq "DISABLED"', [BOB]],
    ['urn:scim:wso2:schema:accountState eq "LOCKED"', [EVE]],
    ['urn:scim:wso2:schema:accountState ne "ACTIVE"', [BOB, CAROL, EVE]],
    ['urn:scim:wso2:schema:accountLocked eq true', [EVE]],
    ['urn:scim:wso2:schema:emailVerified eq true', [EVE]],
    ['URN:SCIM:WSO2:SCHEMA:EMAILVERIFIED eq true', [EVE]],
  ];
  for (const [filter, expected] of cases) {
    it(filter, async () => {
      expect(await matches(filter)).toEqual(sorted(expected));
    });
  }
});

describe('logical operators and parentheses', () => {
  const cases: Array<[string, string[]]> = [
    ['userName sw "a" or userName sw "b"', [ALICE, BETH, BOB]],
    // "and" binds tighter than "or".
    ['userName sw "a" or userName sw "b" and active eq true', [ALICE, BETH]],
    ['active eq true and userName sw "b" or userName sw "a"', [ALICE, BETH]],
    ['(userName sw "a" or userName sw "b") and active eq false', [BOB]],
    ['userName sw "a" or (userName sw "b" and active eq false)', [ALICE, BOB]],
    ['not (userName co "acme")', [CAROL, OWNER]],
    ['not(userName co "acme") and name.givenName pr', [CAROL]],
    ['not (not (userName eq "eve@acme.test"))', [EVE]],
    ['((((userName eq "eve@acme.test"))))', [EVE]],
    ['name.familyName sw "s" and not (name.familyName eq "smith")', [CAROL]],
    ['  userName   eq   "alice@acme.test"  ', [ALICE]],
  ];
  for (const [filter, expected] of cases) {
    it(filter, async () => {
      expect(await matches(filter)).toEqual(sorted(expected));
    });
  }
});

describe('multi-valued attributes and value paths', () => {
  const cases: Array<[string, string[]]> = [
    ['emails[type eq "work" and value co "@acme.test"]', ACME],
    ['emails[type eq "home"]', [ALICE]],
    ['emails[type eq "home" or value sw "carol"]', [ALICE, CAROL]],
    ['emails[not (type eq "work")]', [ALICE]],
    ['emails[value eq "bob.work2@acme.test"]', [BOB]],
    ['emails[primary eq true and value ew ".org"]', [CAROL]],
    ['emails.type eq "home"', [ALICE]],
    ['emails co "example.org"', [ALICE, CAROL]],
    ['emails eq "bob.work2@acme.test"', [BOB]],
    ['emails pr', ALL],
    ['emails[type eq "work"] and not (emails[type eq "home"])', except(ALICE)],
    ['groups.display eq "filter staff"', [ALICE]],
    ['groups pr', [ALICE]],
  ];
  for (const [filter, expected] of cases) {
    it(filter, async () => {
      expect(await matches(filter)).toEqual(sorted(expected));
    });
  }
});

describe('meta.created', () => {
  it('compares dateTimes', async () => {
    const carol = created[CAROL].meta.created;
    const alice = created[ALICE].meta.created;
    expect(await matches(`meta.created gt "${carol}"`)).toEqual(sorted([DAVE, EVE, PERCY, BETH]));
    expect(await matches(`meta.created ge "${carol}"`)).toEqual(sorted([CAROL, DAVE, EVE, PERCY, BETH]));
    expect(await matches(`meta.created lt "${alice}"`)).toEqual([OWNER]);
    expect(await matches(`meta.created le "${alice}"`)).toEqual(sorted([OWNER, ALICE]));
    expect(await matches(`meta.created eq "${alice}"`)).toEqual([ALICE]);
    expect(await matches(`meta.created gt "${alice}" and meta.created lt "${carol}"`)).toEqual([BOB]);
    // Another notation of the same instant.
    const plusOne = new Date(Date.parse(alice)).toISOString().replace('Z', '+00:00');
    expect(await matches(`meta.created eq "${plusOne}"`)).toEqual([ALICE]);
  });
});

describe('LIKE wildcards in values are literal', () => {
  const cases: Array<[string, string[]]> = [
    ['userName co "%"', [PERCY]],
    ['userName co "_"', [DAVE]],
    ['userName co "\\\\"', [BETH]],
    ['userName sw "%"', []],
    ['userName ew "%"', []],
    ['userName sw "_"', []],
    ['userName co "%cent"', [PERCY]],
    ['emails co "%"', [PERCY]],
    ['name.familyName co "_"', []],
    ['emails[value co "_"]', [DAVE]],
  ];
  for (const [filter, expected] of cases) {
    it(filter, async () => {
      expect(await matches(filter)).toEqual(sorted(expected));
    });
  }
});

describe('invalid filters: 400 invalidFilter', () => {
  const unknown = [
    'jobTitle eq "x"',
    'foo pr',
    'name.nickName eq "x"',
    'title.value eq "x"',
    'userName.value eq "x"',
    'urn:example:unknown:schema:foo eq "x"',
    'urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "x"',
    'emails[foo eq "x"]',
    'name[givenName eq "x"]',
    'password eq "x"',
  ];
  const malformed = [
    'userName eq',
    'userName eq "x" and',
    '(userName eq "x"',
    'userName eq "x")',
    'userName xx "x"',
    'userName eq alice',
    'userName eq "unterminated',
    'emails[type eq "work"',
    'emails[type eq "work"]]',
    'not userName eq "x"',
    'userName pr "x"',
    'and',
    'userName eq "a" userName eq "b"',
    'emails[type eq "work"].value',
    'emails[type[value eq "x"]]',
  ];
  const mistyped = [
    'active eq "true"',
    'active gt true',
    'meta.created gt "not a date"',
    'meta.created co "2020"',
    'userName gt 5',
    'userName eq true',
    'urn:scim:wso2:schema:accountState eq "BOGUS"',
  ];
  for (const filter of [...unknown, ...malformed, ...mistyped]) {
    it(filter, async () => {
      expectScimError(await request('GET', `/Users${qs({ filter })}`), 400, 'invalidFilter');
    });
  }

  it('says where the problem is', async () => {
    const body = expectScimError(await request('GET', `/Users${qs({ filter: 'userName eq "x" and (' })}`), 400, 'invalidFilter');
    expect(body.detail).toMatch(/position|end of the input/);
    const middle = expectScimError(await request('GET', `/Users${qs({ filter: 'userName eq "x" and ) or' })}`), 400, 'invalidFilter');
    expect(middle.detail).toMatch(/position 21/);
    const unknownBody = expectScimError(await request('GET', `/Users${qs({ filter: 'jobTitle eq "x"' })}`), 400, 'invalidFilter');
    expect(unknownBody.detail).toContain('jobTitle');
  });

  it('refuses a filter given twice', async () => {
    expectScimError(await request('GET', '/Users?filter=userName%20pr&filter=active%20eq%20true'), 400, 'invalidValue');
  });
});

describe('hostile filters are answered quickly', () => {
  async function timed(filter: string) {
    const started = performance.now();
    const res = await request('GET', `/Users${qs({ filter })}`);
    return { res, ms: performance.now() - started };
  }

  it('a 1 MB filter gets 400 at once', async () => {
    const { res, ms } = await timed(`userName eq "${'a'.repeat(1024 * 1024)}"`);
    expectScimError(res, 400, 'invalidFilter');
    expect(ms).toBeLessThan(2000);
  });

  it('a 1 MB filter in a .search body gets 400 at once', async () => {
    const started = performance.now();
    const res = await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], filter: `userName eq "${'a'.repeat(1000 * 1000)}"` });
    expectScimError(res, 400, 'invalidFilter');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('deeply nested parentheses, not and value paths get 400 at once', async () => {
    for (const filter of [
      `${'('.repeat(3000)}userName pr${')'.repeat(3000)}`,
      `${'not ('.repeat(1300)}userName pr${')'.repeat(1300)}`,
      `${'('.repeat(100000)}userName pr${')'.repeat(100000)}`,
      `${'emails['.repeat(1000)}type pr${']'.repeat(1000)}`,
    ]) {
      const { res, ms } = await timed(filter);
      expectScimError(res, 400, 'invalidFilter');
      expect(ms).toBeLessThan(2000);
    }
  });

  it('a long flat chain of terms is answered, never with a 500', async () => {
    for (const filter of [
      `${'id pr or '.repeat(900)}id pr`,
      `${'id pr and '.repeat(810)}id pr`,
      `${'userName eq "a" or '.repeat(400)}userName eq "alice@acme.test"`,
      `${'emails[value pr] or '.repeat(400)}id pr`,
    ]) {
      const { res, ms } = await timed(filter);
      expect([200, 400], res.body).toContain(res.statusCode);
      if (res.statusCode === 400) expectScimError(res, 400, 'invalidFilter');
      expect(ms).toBeLessThan(5000);
    }
  });
});

describe('POST /Users/.search', () => {
  it('filters like GET', async () => {
    expect(await searched('emails[type eq "work" and value co "@acme.test"]')).toEqual(sorted(ACME));
    expect(await searched('urn:scim:wso2:schema:accountState eq "PENDING"')).toEqual([CAROL]);
    expect(await searched('userName co "%"')).toEqual([PERCY]);
    expect(await searched('(userName sw "a" or userName sw "b") and active eq false')).toEqual([BOB]);
  });

  it('takes sorting, paging and projection from the body', async () => {
    const list = listOf(
      await request('POST', '/Users/.search', {
        schemas: [SEARCH_SCHEMA],
        filter: 'userName co "acme"',
        sortBy: 'userName',
        sortOrder: 'descending',
        startIndex: 2,
        count: 2,
        attributes: ['userName'],
      }),
    );
    expect(list.totalResults).toBe(ACME.length);
    expect(list.startIndex).toBe(2);
    expect(list.itemsPerPage).toBe(2);
    expect(list.Resources.map((u) => u.userName)).toEqual([...ACME].sort().reverse().slice(1, 3));
    expect(Object.keys(list.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
  });

  it('refuses bad filters and bodies in the SCIM shape', async () => {
    expectScimError(await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'jobTitle eq "x"' }), 400, 'invalidFilter');
    expectScimError(await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'userName eq' }), 400, 'invalidFilter');
    expectScimError(await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 42 }), 400, 'invalidValue');
    expectScimError(await request('POST', '/Users/.search', ['userName pr']), 400, 'invalidSyntax');
    expectScimError(await request('POST', '/Users/.search', '"userName pr"'), 400, 'invalidSyntax');
    expectScimError(await request('POST', '/Users/.search', '{"filter":'), 400, 'invalidSyntax');
  });

  it('with no filter lists everyone', async () => {
    expect(await searched('')).toEqual(sorted(ALL));
    const list = listOf(await request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA] }));
    expect(list.totalResults).toBe(ALL.length);
  });
});
