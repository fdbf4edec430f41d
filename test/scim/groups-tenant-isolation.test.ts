// Tenant isolation across two organizations: B's token can neither see nor touch A's users and
// groups, by id, by filter, as a member, or through Bulk; A's token is worth nothing at B.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, type ScimTestBed } from '../support/scim.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;
type Json = Record<string, any>;

function q(filter: string): string {
  return encodeURIComponent(filter);
}

describe('SCIM tenant isolation', () => {
  let bed: ScimTestBed;
  let a: Client;
  let b: Client;
  let aliceId: string;
  let aTeamId: string;
  let bobId: string;
  let bTeamId: string;

  beforeAll(async () => {
    bed = await createScimTestBed();
    a = await scimClient(bed, 'iso-a');
    b = await scimClient(bed, 'iso-b');
    aliceId = (await a.request('POST', '/Users', newUser('alice@shared.test', { externalId: 'ext-alice' }))).json().id;
    aTeamId = (await a.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Team', externalId: 'ext-team', members: [{ value: aliceId }] })).json().id;
    bobId = (await b.request('POST', '/Users', newUser('bob@iso-b.test'))).json().id;
    bTeamId = (await b.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'B Team', members: [{ value: bobId }] })).json().id;
    expect([aliceId, aTeamId, bobId, bTeamId].every(Boolean)).toBe(true);
  });
  afterAll(() => bed.close());

  function expectNotFound(res: { statusCode: number; body: string; json(): any }, what: string) {
    expect(res.statusCode, `${what}: ${res.body}`).toBe(404);
    expect(res.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    // Nothing of A's resource shows through.
    expect(res.body).not.toContain('alice@shared.test');
    expect(res.body).not.toMatch(/"Team"/);
  }

  it("B cannot read, replace, patch or delete A's user (404)", async () => {
    expectNotFound(await b.request('GET', `/Users/${aliceId}`), 'GET');
    expectNotFound(await b.request('PUT', `/Users/${aliceId}`, newUser('alice@shared.test')), 'PUT');
    expectNotFound(
      await b.request('PATCH', `/Users/${aliceId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] }),
      'PATCH',
    );
    expectNotFound(await b.request('DELETE', `/Users/${aliceId}`), 'DELETE');
  });

  it("B cannot read, replace, patch or delete A's group (404)", async () => {
    expectNotFound(await b.request('GET', `/Groups/${aTeamId}`), 'GET');
    expectNotFound(await b.request('GET', `/Groups/${aTeamId}?excludedAttributes=members`), 'GET excluded');
    expectNotFound(await b.request('PUT', `/Groups/${aTeamId}`, { schemas: [GROUP_SCHEMA], displayName: 'Taken Over', members: [{ value: bobId }] }), 'PUT');
    // Both the membership fast path and the general PATCH path.
    expectNotFound(
      await b.request('PATCH', `/Groups/${aTeamId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: bobId }] }] }),
      'PATCH members',
    );
    expectNotFound(
      await b.request('PATCH', `/Groups/${aTeamId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: `members[value eq "${aliceId}"]` }] }),
      'PATCH remove member',
    );
    expectNotFound(
      await b.request('PATCH', `/Groups/${aTeamId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed' }] }),
      'PATCH rename',
    );
    expectNotFound(await b.request('DELETE', `/Groups/${aTeamId}`), 'DELETE');
  });

  it("B cannot add A's user to a group: refused exactly like an id that exists nowhere", async () => {
    const addForeign = await b.request('PATCH', `/Groups/${bTeamId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: aliceId }] }] });
    const addNobody = await b.request('PATCH', `/Groups/${bTeamId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }] });
    expect(addForeign.statusCode).toBe(addNobody.statusCode);
    expect(addForeign.statusCode).toBeGreaterThanOrEqual(400);
    expect(addForeign.statusCode).toBeLessThan(500);
    expect(addForeign.json().scimType).toBe(addNobody.json().scimType);
    expect(addForeign.body).not.toContain('alice@shared.test');

    const put = await b.request('PUT', `/Groups/${bTeamId}`, { schemas: [GROUP_SCHEMA], displayName: 'B Team', members: [{ value: bobId }, { value: aliceId }] });
    expect(put.statusCode).toBe(addNobody.statusCode);
    const create = await b.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Stolen Members', members: [{ value: aliceId }] });
    expect(create.statusCode).toBe(addNobody.statusCode);
    const viaGroups = await b.request('POST', '/Users', newUser('joiner@iso-b.test', { groups: [{ value: aTeamId }] }));
    expect(viaGroups.statusCode).toBeGreaterThanOrEqual(400);
    expect(viaGroups.statusCode).toBeLessThan(500);

    const bTeam = (await b.request('GET', `/Groups/${bTeamId}`)).json();
    expect(bTeam.members.map((m: Json) => m.value)).toEqual([bobId]);
    expect(await b.request('GET', `/Groups?filter=${q('displayName eq "Stolen Members"')}`).then((r) => r.json().totalResults)).toBe(0);
    expect(await b.request('GET', `/Users?filter=${q('userName eq "joiner@iso-b.test"')}`).then((r) => r.json().totalResults)).toBe(0);
  });

  it("B's filters and lists never return A's rows", async () => {
    const userFilters = [
      'userName eq "alice@shared.test"',
      `id eq "${aliceId}"`,
      'externalId eq "ext-alice"',
      'userName sw "alice"',
      'emails co "shared.test"',
      `groups[value eq "${aTeamId}"]`,
      'name.givenName eq "Ann" and not (userName eq "bob@iso-b.test")',
    ];
    for (const filter of userFilters) {
      const res = await b.request('GET', `/Users?filter=${q(filter)}`);
      expect(res.statusCode, `${filter}: ${res.body}`).toBe(200);
      expect(res.json().totalResults, filter).toBe(0);
      const search = await b.request('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter });
      expect(search.json().totalResults, `.search ${filter}`).toBe(0);
    }
    const groupFilters = ['displayName eq "Team"', `id eq "${aTeamId}"`, 'externalId eq "ext-team"', `members[value eq "${aliceId}"]`, 'members.display eq "alice@shared.test"', 'displayName co "Team" and not (displayName eq "B Team")'];
    for (const filter of groupFilters) {
      const res = await b.request('GET', `/Groups?filter=${q(filter)}`);
      expect(res.statusCode, `${filter}: ${res.body}`).toBe(200);
      expect(res.json().totalResults, filter).toBe(0);
    }

    const users = (await b.request('GET', '/Users?count=1000')).json();
    expect(users.Resources.map((u: Json) => u.id)).not.toContain(aliceId);
    expect(users.totalResults).toBe(users.Resources.length);
    const cursorPage = (await b.request('GET', '/Users?count=1000&cursor=')).json();
    expect(cursorPage.Resources.map((u: Json) => u.id)).not.toContain(aliceId);
    const groups = (await b.request('GET', '/Groups')).json();
    expect(groups.Resources.map((g: Json) => g.id)).toEqual([bTeamId]);
    expect(groups.totalResults).toBe(1);
  });

  it('names and userNames are unique per organization, not across them', async () => {
    const sameName = await b.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'team' });
    expect(sameName.statusCode, sameName.body).toBe(201);
    const sameUser = await b.request('POST', '/Users', newUser('Alice@shared.test'));
    expect(sameUser.statusCode, sameUser.body).toBe(201);
    expect(sameUser.json().id).not.toBe(aliceId);
    // B's own Alice is found in B; A's is not.
    const found = await b.request('GET', `/Users?filter=${q('userName eq "alice@shared.test"')}`);
    expect(found.json().Resources.map((u: Json) => u.id)).toEqual([sameUser.json().id]);
    expect((await b.request('DELETE', `/Users/${sameUser.json().id}`)).statusCode).toBe(204);
    expect((await b.request('DELETE', `/Groups/${sameName.json().id}`)).statusCode).toBe(204);
  });

  it("B's Bulk operations cannot reach A's resources", async () => {
    const res = await b.request('POST', '/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [{ method: 'DELETE', path: `/Users/${aliceId}` }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().Operations[0]).toMatchObject({ method: 'DELETE', status: '404' });
    for (const op of [
      { method: 'PATCH', path: `/Groups/${aTeamId}`, data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: 'members' }] } },
      { method: 'PUT', path: `/Users/${aliceId}`, data: { schemas: [USER_SCHEMA], userName: 'alice@shared.test', active: false } },
      { method: 'DELETE', path: `/Groups/${aTeamId}` },
    ]) {
      const one = await b.request('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [op] });
      expect(one.json().Operations[0].status, `${op.method} ${op.path}`).toBe('404');
    }
  });

  it("A's token is refused at B's endpoints (401), and B's at A's", async () => {
    const crossed = await bed.app.inject({ method: 'GET', url: `/t/iso-b/scim2/Users/${bobId}`, headers: { authorization: `Bearer ${a.token}` } });
    expect(crossed.statusCode).toBe(401);
    expect(crossed.headers['www-authenticate']).toMatch(/^Bearer realm="iso-b"/);
    const reverse = await bed.app.inject({ method: 'GET', url: `/t/iso-a/scim2/Groups/${aTeamId}`, headers: { authorization: `Bearer ${b.token}` } });
    expect(reverse.statusCode).toBe(401);
    const write = await bed.app.inject({
      method: 'DELETE',
      url: `/t/iso-a/scim2/Users/${aliceId}`,
      headers: { authorization: `Bearer ${b.token}` },
    });
    expect(write.statusCode).toBe(401);
  });

  it("left A's user and group exactly as they were", async () => {
    const alice = await a.request('GET', `/Users/${aliceId}`);
    expect(alice.statusCode).toBe(200);
    expect(alice.json()).toMatchObject({ userName: 'alice@shared.test', active: true, meta: { version: 'W/"1"' } });
    expect(alice.json().groups.map((g: Json) => g.value)).toEqual([aTeamId]);
    const team = await a.request('GET', `/Groups/${aTeamId}`);
    expect(team.json()).toMatchObject({ displayName: 'Team', meta: { version: 'W/"1"' } });
    expect(team.json().members.map((m: Json) => m.value)).toEqual([aliceId]);
    // And A cannot see B's either.
    expect((await a.request('GET', `/Users/${bobId}`)).statusCode).toBe(404);
    expect((await a.request('GET', `/Groups?filter=${q(`members[value eq "${bobId}"]`)}`)).json().totalResults).toBe(0);
  });
});
