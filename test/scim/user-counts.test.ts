// Issue 16 item 2: the first page of an unfiltered list, and of the Console's list (customers
// only), takes its total from the per-organization counter the database keeps (migration 0016),
// not from count(*) over the users; the counter stays exact through parallel creates and
// deletes by every path that makes or removes users; any other filter is still counted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, newUser, scimClient, type ScimTestBed } from '../support/scim.ts';
import { touching } from '../support/statement-log.ts';
import { createOrganization } from '../support/system.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

describe('user counts', () => {
  let bed: ScimTestBed;
  let acme: Client;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
  });
  afterAll(() => bed.close());

  const orgId = () => acme.organization.id;
  const counted = async (userType?: 'customer' | 'administrator') => {
    const { users } = bed.system.repos;
    return { counter: await users.countFromCounter(orgId(), userType), rows: (await users.list(orgId(), { sort: { column: 'id', direction: 'asc' }, limit: 100_000 })).filter((u) => !userType || u.userType === userType).length };
  };

  it('stays exact through parallel creates and deletes', async () => {
    const created = await Promise.all(Array.from({ length: 24 }, (_, i) => acme.request('POST', '/Users', newUser(`par${i}@acme.test`))));
    expect(created.map((res) => res.statusCode)).toEqual(Array(24).fill(201));
    // The same userName twice at once: one create wins, the counter counts one.
    const twins = await Promise.all([acme.request('POST', '/Users', newUser('twin@acme.test')), acme.request('POST', '/Users', newUser('twin@acme.test'))]);
    expect(twins.map((res) => res.statusCode).sort()).toEqual([201, 409]);
    const deleted = await Promise.all(created.slice(0, 10).map((res) => acme.request('DELETE', `/Users/${res.json().id}`)));
    expect(deleted.map((res) => res.statusCode)).toEqual(Array(10).fill(204));
    // Deleting the same user twice at once: one delete, one 404, one decrement.
    const again = await Promise.all([acme.request('DELETE', `/Users/${created[10].json().id}`), acme.request('DELETE', `/Users/${created[10].json().id}`)]);
    expect(again.map((res) => res.statusCode).sort()).toEqual([204, 404]);

    const customers = await counted('customer');
    expect(customers).toEqual({ counter: 14, rows: 14 });
    const everyone = await counted();
    expect(everyone.counter).toBe(everyone.rows);
    expect(everyone.counter).toBe(15); // and the owner
  });

  it('counts administrators invited and removed, and users of other organizations apart', async () => {
    const { system } = bed;
    const owner = (await system.repos.users.listAdministrators(orgId())).find((a) => a.adminRole === 'owner')!;
    const invited = await system.services.administrators.inviteAdministrator(acme.organization, owner.id, { email: 'ada@acme.test', givenName: 'Ada', delivery: 'link' }, SYSTEM_CONTEXT);
    expect(await counted('administrator')).toEqual({ counter: 2, rows: 2 });
    await system.services.administrators.removeAdministrator(orgId(), owner.id, invited.user.id, SYSTEM_CONTEXT);
    expect(await counted('administrator')).toEqual({ counter: 1, rows: 1 });

    const { organization: globex } = await createOrganization(system, 'globex');
    expect(await system.repos.users.countFromCounter(globex.id)).toBe(1);
    expect(await system.repos.users.countFromCounter(globex.id, 'customer')).toBe(0);
    expect(await system.repos.users.countFromCounter('no-such-organization')).toBe(0);
  });

  it("answers the first page's total without counting the users table, for no filter and for the Console's filter", async () => {
    for (const [query, expected] of [
      ['/Users?count=2&cursor=', 15],
      [`/Users?count=2&cursor=&filter=${encodeURIComponent('userType eq "Customer"')}`, 14],
      [`/Users?count=2&startIndex=1&filter=${encodeURIComponent('urn:ietf:params:scim:schemas:core:2.0:User:userType eq "customer"')}`, 14],
    ] as const) {
      let body: { totalResults: number; Resources: unknown[] } | undefined;
      const statements = await bed.system.database.statements.during(async () => {
        const res = await acme.request('GET', query);
        expect(res.statusCode, res.body).toBe(200);
        body = res.json();
      });
      expect(body!.totalResults, query).toBe(expected);
      expect(body!.Resources).toHaveLength(2);
      const counts = touching(statements, 'users').filter((sql) => /count\(\*\)/i.test(sql));
      expect(counts, query).toEqual([]);
      expect(touching(statements, 'user_counts'), query).toHaveLength(1);
    }
  });

  it('still counts any other filter', async () => {
    let total = 0;
    const statements = await bed.system.database.statements.during(async () => {
      total = (await acme.request('GET', `/Users?count=2&filter=${encodeURIComponent('userType eq "Customer" and userName sw "par"')}`)).json().totalResults;
    });
    expect(total).toBe(13);
    expect(touching(statements, 'users').some((sql) => /count\(\*\)/i.test(sql))).toBe(true);
    expect(touching(statements, 'user_counts')).toEqual([]);
  });
});
