// The SCIM core and enterprise user attributes that Entra ID and Okta map by default are stored
// and returned (issue 11, item 3): POST, PUT, PATCH (with value paths and Entra's enterprise
// path), GET and list output; the manager comes back with $ref and displayName, only within the
// organization.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, PATCH_SCHEMA, USER_SCHEMA, type ScimTestBed } from '../support/scim.ts';
import { expectScimError, ENTERPRISE_SCHEMA } from './users-support.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

function patch(...operations: unknown[]) {
  return { schemas: [PATCH_SCHEMA], Operations: operations };
}

const PROFILE = {
  nickName: 'Annie',
  profileUrl: 'https://example.test/annie',
  title: 'Vice President',
  preferredLanguage: 'en-US',
  locale: 'en-GB',
  timezone: 'Europe/London',
  phoneNumbers: [
    { value: '+44 20 7946 0000', type: 'work', primary: true },
    { value: '+44 7700 900000', type: 'mobile' },
  ],
  ims: [{ value: 'annie@xmpp.example.test', type: 'xmpp' }],
  photos: [{ value: 'https://example.test/annie.jpg', type: 'photo' }],
  addresses: [{ type: 'work', streetAddress: '1 Main St', locality: 'London', postalCode: 'N1 1AA', country: 'GB', formatted: '1 Main St\nLondon N1 1AA', primary: true }],
};

describe('SCIM user profile and enterprise attributes', () => {
  let bed: ScimTestBed;
  let acme: Client;
  let globex: Client;
  let n = 0;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
    globex = await scimClient(bed, 'globex');
  });
  afterAll(() => bed.close());

  async function create(client: Client, extra: Record<string, unknown> = {}) {
    n += 1;
    const res = await client.request('POST', '/Users', newUser(`profile-${n}@example.test`, extra));
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Record<string, any>;
  }

  it('POST stores the core attributes and name parts; GET and the list return them', async () => {
    const user = await create(acme, { ...PROFILE, name: { givenName: 'Ann', familyName: 'Lee', middleName: 'Q', honorificPrefix: 'Ms.' } });
    expect(user).toMatchObject(PROFILE);
    expect(user.name).toMatchObject({ givenName: 'Ann', familyName: 'Lee', middleName: 'Q', honorificPrefix: 'Ms.' });
    const got = (await acme.request('GET', `/Users/${user.id}`)).json();
    expect(got).toMatchObject(PROFILE);
    const listed = (await acme.request('GET', `/Users?filter=${encodeURIComponent(`id eq "${user.id}"`)}`)).json();
    expect(listed.Resources[0]).toMatchObject(PROFILE);
  });

  it('PUT replaces them: attributes left out are unassigned', async () => {
    const user = await create(acme, PROFILE);
    const res = await acme.request('PUT', `/Users/${user.id}`, newUser(user.userName, { title: 'Director' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().title).toBe('Director');
    expect(res.json()).not.toHaveProperty('phoneNumbers');
    expect(res.json()).not.toHaveProperty('nickName');
  });

  it('PATCH add, replace and remove them, also through value paths, in Entra letter case', async () => {
    const user = await create(acme);
    const res = await acme.request(
      'PATCH',
      `/Users/${user.id}`,
      patch(
        { op: 'Add', path: 'title', value: 'Engineer' },
        { op: 'Add', path: 'preferredLanguage', value: 'de-DE' },
        { op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0100' },
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0101' },
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Seattle' },
        { op: 'Replace', value: { nickName: 'Nick', locale: 'de-DE', timezone: 'Europe/Berlin' } },
      ),
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ title: 'Engineer', preferredLanguage: 'de-DE', nickName: 'Nick', locale: 'de-DE', timezone: 'Europe/Berlin' });
    expect(body.phoneNumbers).toEqual(expect.arrayContaining([{ type: 'work', value: '+1 555 0100' }, { type: 'mobile', value: '+1 555 0101' }]));
    expect(body.addresses).toEqual([{ type: 'work', locality: 'Seattle' }]);

    const replaced = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0199' }));
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().phoneNumbers.filter((p: any) => p.type === 'work')).toEqual([{ type: 'work', value: '+1 555 0199' }]);

    const removed = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'Remove', path: 'phoneNumbers[type eq "mobile"]' }, { op: 'Remove', path: 'title' }));
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).not.toHaveProperty('title');
    expect(removed.json().phoneNumbers).toEqual([{ type: 'work', value: '+1 555 0199' }]);
    expect((await acme.request('GET', `/Users/${user.id}`)).json().phoneNumbers).toEqual([{ type: 'work', value: '+1 555 0199' }]);
  });

  it('enterprise attributes through Entra paths; manager comes back with $ref and displayName', async () => {
    const boss = await create(acme, { displayName: 'Bea Boss' });
    const user = await create(acme);
    const res = await acme.request(
      'PATCH',
      `/Users/${user.id}`,
      patch(
        { op: 'Add', path: `${ENTERPRISE_SCHEMA}:department`, value: 'Sales' },
        { op: 'Add', path: `${ENTERPRISE_SCHEMA}:costCenter`, value: 'CC-1' },
        { op: 'Add', path: `${ENTERPRISE_SCHEMA}:manager`, value: boss.id },
      ),
    );
    expect(res.statusCode, res.body).toBe(200);
    const manager = { value: boss.id, $ref: boss.meta.location, displayName: 'Bea Boss' };
    expect(res.json()[ENTERPRISE_SCHEMA]).toEqual({ department: 'Sales', costCenter: 'CC-1', manager });
    expect((await acme.request('GET', `/Users/${user.id}`)).json()[ENTERPRISE_SCHEMA].manager).toEqual(manager);
    const listed = (await acme.request('GET', `/Users?filter=${encodeURIComponent(`id eq "${user.id}"`)}`)).json();
    expect(listed.Resources[0][ENTERPRISE_SCHEMA].manager).toEqual(manager);
    const unset = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'Remove', path: `${ENTERPRISE_SCHEMA}:manager` }));
    expect(unset.statusCode, unset.body).toBe(200);
    expect(unset.json()[ENTERPRISE_SCHEMA]).toEqual({ department: 'Sales', costCenter: 'CC-1' });
  });

  it("a manager from another organization, an unknown one or the user themselves is refused with invalidValue", async () => {
    const foreign = await create(globex, { displayName: 'Other Org Boss' });
    const user = await create(acme);
    for (const id of [foreign.id, 'no-such-user', user.id]) {
      const res = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'Add', path: `${ENTERPRISE_SCHEMA}:manager`, value: id }));
      expectScimError(res, 400, 'invalidValue');
    }
    const created = await acme.request('POST', '/Users', newUser(`profile-foreign-${Date.now()}@example.test`, { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], [ENTERPRISE_SCHEMA]: { manager: { value: foreign.id } } }));
    expectScimError(created, 400, 'invalidValue');
  });

  it("a manager id stored before the check (another organization's user) is never resolved across organizations", async () => {
    const foreign = await create(globex, { displayName: 'Secret Globex Name' });
    const user = await create(acme);
    const stored = (await bed.system.repos.users.findById(acme.organization.id, user.id))!;
    await bed.system.repos.users.update(acme.organization.id, user.id, stored.version, { enterprise: { manager: { value: foreign.id } } }, new Date());
    for (const res of [await acme.request('GET', `/Users/${user.id}`), await acme.request('GET', `/Users?filter=${encodeURIComponent(`id eq "${user.id}"`)}`)]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain('Secret Globex Name');
    }
    expect((await acme.request('GET', `/Users/${user.id}`)).json()[ENTERPRISE_SCHEMA].manager).toEqual({ value: foreign.id, $ref: `${user.meta.location.replace(/[^/]+$/, '')}${foreign.id}` });
    // An unrelated change is still accepted: only a manager named anew is checked.
    const res = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'title', value: 'Still fine' }));
    expect(res.statusCode, res.body).toBe(200);
  });

  it('at most one primary; wrong types are invalidValue', async () => {
    const two = await acme.request('POST', '/Users', newUser(`profile-primary-${Date.now()}@example.test`, { phoneNumbers: [{ value: '1', primary: true }, { value: '2', primary: 'True' }] }));
    expectScimError(two, 400, 'invalidValue');
    const wrong = await acme.request('POST', '/Users', newUser(`profile-type-${Date.now()}@example.test`, { title: 42 }));
    expectScimError(wrong, 400, 'invalidValue');
  });

  it('emails value paths: add home creates it, replace work replaces the work address, the userName stays', async () => {
    const user = await create(acme);
    const home = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'Add', path: 'emails[type eq "home"].value', value: 'ann@home.example.test' }));
    expect(home.statusCode, home.body).toBe(200);
    expect(home.json().emails).toContainEqual({ type: 'home', primary: false, value: 'ann@home.example.test' });
    const other = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'emails[type eq "other"].value', value: 'ann@other.example.test' }));
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json().emails).toContainEqual({ type: 'other', primary: false, value: 'ann@other.example.test' });

    for (const address of ['ann.work@example.test', 'ann.work2@example.test']) {
      const res = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'emails[type eq "work"].value', value: address }));
      expect(res.statusCode, res.body).toBe(200);
      const emails = res.json().emails as Array<{ value: string; type?: string; primary: boolean }>;
      expect(emails.filter((e) => e.type === 'work' && !e.primary)).toEqual([{ type: 'work', primary: false, value: address }]);
      expect(emails.filter((e) => e.primary)).toEqual([expect.objectContaining({ value: user.userName, primary: true })]);
      expect(emails).toHaveLength(4);
    }
  });

  it("Entra's matching filter emails[type eq \"work\"].value eq ... finds the user, also inside and/or", async () => {
    const user = await create(acme, { emails: [{ type: 'work', value: 'Matched.Work@example.test' }] });
    for (const filter of [
      'emails[type eq "work"].value eq "matched.work@example.test"',
      `emails[type eq "work"].value eq "Matched.Work@example.test" and userName eq "${user.userName}"`,
      'emails[type eq "work"].value eq "nobody@example.test" or emails[type eq "work"].value eq "matched.work@example.test"',
    ]) {
      const res = await acme.request('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().Resources.map((r: any) => r.id), filter).toEqual([user.id]);
    }
    const none = await acme.request('GET', `/Users?filter=${encodeURIComponent('emails[type eq "home"].value eq "matched.work@example.test"')}`);
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json().totalResults).toBe(0);
  });

  it('/Schemas describes the attributes', async () => {
    const res = await acme.request('GET', `/Schemas/${USER_SCHEMA}`);
    expect(res.statusCode, res.body).toBe(200);
    const names = (res.json().attributes as Array<{ name: string }>).map((a) => a.name);
    for (const name of ['nickName', 'profileUrl', 'title', 'preferredLanguage', 'locale', 'timezone', 'phoneNumbers', 'ims', 'photos', 'addresses']) expect(names).toContain(name);
  });
});
