// Filters on the profile and enterprise attributes, which are stored as JSON text
// (users.profile_json, users.enterprise_json): translated to parameterised SQL on both engines
// (jsonb operators on PostgreSQL, json_extract/json_each on SQLite), scoped to the organization,
// with the operators, value paths and letter-case rules of the column-backed attributes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, type ScimTestBed } from '../support/scim.ts';
import { ENTERPRISE_SCHEMA, expectScimError, SEARCH_SCHEMA } from './users-support.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

const CERTIFICATE = 'MIIBkzCCATmgAwIBAgIUKTooEadYDSijGHJeRepchj3qfjkwCgYIKoZIzj0EAwIwHzEdMBsGA1UEAwwUYW5uLmxlZUBleGFtcGxlLnRlc3QwHhcNMjYxMjA0MDI1MTQ2WhcNMzYxMjAxMDI1MTQ2WjAfMR0wGwYDVQQDDBRhbm4ubGVlQGV4YW1wbGUudGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABLOhza4wdM2bbqouGQVTbxvjcAMSpUTLemC/7/MFuLvxZp3VMAcOlybEr1TwbQVbq3f287Z6EQWQcWZrsSm1zeWjUzBRMB0GA1UdDgQWBBQjnl0hYD8Nm1dOdklHCIFCMDwyoTAfBgNVHSMEGDAWgBQjnl0hYD8Nm1dOdklHCIFCMDwyoTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDdAPwqrFBCVli+L+yA8NyyWnVviozvRgC2nwlF4K+hpgIgNT7uVtzzxWTdJ98btiljyDN7kVo/R7zHSrsZchQeVws=';

describe('SCIM filters on profile and enterprise attributes', () => {
  let bed: ScimTestBed;
  let acme: Client;
  let globex: Client;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
    globex = await scimClient(bed, 'globex');
    const people: Record<string, Record<string, unknown>> = {
      ann: {
        title: 'Engineer',
        nickName: '50% Annie',
        name: { givenName: 'Ann', familyName: 'Lee', middleName: 'Q' },
        addresses: [
          { type: 'work', locality: 'London', country: 'GB', primary: true },
          { type: 'home', locality: 'Paris', country: 'FR' },
        ],
        phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work', primary: true }],
        x509Certificates: [{ value: CERTIFICATE, type: 'laptop' }],
        [ENTERPRISE_SCHEMA]: { department: 'Sales', employeeNumber: '701' },
      },
      bob: {
        title: 'Senior Engineer',
        addresses: [{ type: 'home', locality: 'London' }],
        phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }],
        [ENTERPRISE_SCHEMA]: { department: 'Engineering' },
      },
      cat: { title: 'Director' },
      dan: {},
    };
    for (const [key, extra] of Object.entries(people)) {
      const res = await acme.request('POST', '/Users', newUser(`${key}@acme.test`, extra));
      expect(res.statusCode, res.body).toBe(201);
      ids[key] = res.json().id;
    }
    const managed = await acme.request('POST', '/Users', newUser('eve@acme.test', { [ENTERPRISE_SCHEMA]: { manager: { value: ids.ann } } }));
    expect(managed.statusCode, managed.body).toBe(201);
    ids.eve = managed.json().id;
    // Another organization with the same values: never in acme's answers.
    const foreign = await globex.request('POST', '/Users', newUser('ann@globex.test', people.ann));
    expect(foreign.statusCode, foreign.body).toBe(201);
  });
  afterAll(() => bed.close());

  async function matching(filter: string, client = acme): Promise<string[]> {
    const res = await client.request('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect(res.statusCode, `${filter}: ${res.body}`).toBe(200);
    // Named by the part before @; the organization's owner matches some filters too and is left out.
    return (res.json().Resources as Array<{ userName: string }>).map((r) => r.userName.split('@')[0]).filter((name) => name !== 'owner').sort();
  }

  const cases: Array<[string, string[]]> = [
    ['title eq "Engineer"', ['ann']],
    ['title eq "engineer"', ['ann']],
    ['title ne "Engineer"', ['bob', 'cat', 'dan', 'eve']],
    ['title co "ENGINEER"', ['ann', 'bob']],
    ['title sw "Dir"', ['cat']],
    ['title ew "neer"', ['ann', 'bob']],
    ['title gt "E"', ['ann', 'bob']],
    ['title le "Director"', ['cat']],
    ['title pr', ['ann', 'bob', 'cat']],
    ['not (title pr)', ['dan', 'eve']],
    ['title eq "Engineer" or title eq "Director"', ['ann', 'cat']],
    ['urn:ietf:params:scim:schemas:core:2.0:User:title eq "Director"', ['cat']],
    ['nickName co "50%"', ['ann']],
    ['nickName co "%"', ['ann']],
    ['title eq "x\' or \'1\'=\'1"', []],
    ['name.middleName eq "q"', ['ann']],
    ['addresses[type eq "work"].locality eq "London"', ['ann']],
    ['addresses[type eq "work" and locality eq "london"]', ['ann']],
    ['addresses[type eq "home"].locality eq "London"', ['bob']],
    ['addresses.locality eq "Paris"', ['ann']],
    ['addresses.locality eq "London"', ['ann', 'bob']],
    ['addresses[primary eq true]', ['ann']],
    ['addresses[not (primary eq true)]', ['ann', 'bob']],
    ['addresses pr', ['ann', 'bob']],
    ['addresses[primary eq false]', ['ann', 'bob']],
    ['not (addresses pr)', ['cat', 'dan', 'eve']],
    ['phoneNumbers[type eq "work" and primary eq true].value sw "+44"', ['ann']],
    ['phoneNumbers co "555"', ['bob']],
    ['x509Certificates[type eq "laptop"]', ['ann']],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales"', ['ann']],
    ['department eq "sales"', ['ann']],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department sw "S" or title eq "Director"', ['ann', 'cat']],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701"', ['ann']],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr and addresses[type eq "home"]', ['ann', 'bob']],
  ];
  for (const [filter, expected] of cases) {
    it(filter, async () => {
      expect(await matching(filter)).toEqual(expected);
    });
  }

  it('manager.value compares the id exactly', async () => {
    expect(await matching(`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "${ids.ann}"`)).toEqual(['eve']);
    expect(await matching(`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "${ids.ann.toUpperCase()}"`)).toEqual([]);
  });

  it('stays inside the organization: globex sees its own Ann only', async () => {
    const res = await globex.request('GET', `/Users?filter=${encodeURIComponent('title eq "Engineer"')}`);
    expect(res.json().Resources.map((r: { userName: string }) => r.userName)).toEqual(['ann@globex.test']);
  });

  it('works through POST .search, the root .search and with totalResults', async () => {
    const search = await acme.request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'addresses.locality eq "London"', count: 1 });
    expect(search.statusCode, search.body).toBe(200);
    expect(search.json()).toMatchObject({ totalResults: 2, itemsPerPage: 1 });
    const root = await acme.request('POST', '/.search', { schemas: [SEARCH_SCHEMA], filter: 'title eq "Director"' });
    expect(root.statusCode, root.body).toBe(200);
    expect(root.json().Resources.map((r: { id: string }) => r.id)).toEqual([ids.cat]);
  });

  it('refuses what cannot be compared: binary values, booleans with co, unknown sub-attributes (400 invalidFilter)', async () => {
    for (const filter of [
      `x509Certificates.value eq "${CERTIFICATE}"`,
      'addresses[primary co "t"]',
      'addresses[city eq "London"]',
      'phoneNumbers.primary eq "yes"',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName eq "Ann"',
    ]) {
      expectScimError(await acme.request('GET', `/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
    }
  });
});
