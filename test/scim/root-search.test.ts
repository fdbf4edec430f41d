// POST /t/{org}/scim2/.search (RFC 7644 section 3.4.3) over Users and Groups: both types with
// their schemas and meta, paged across both, each type only for a token allowed to list it, and
// never another organization's resources.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, GROUP_SCHEMA, USER_SCHEMA, type ScimTestBed } from '../support/scim.ts';
import { expectScimError, SEARCH_SCHEMA, LIST_SCHEMA } from './users-support.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

describe('root .search', () => {
  let bed: ScimTestBed;
  let acme: Client;
  let usersOnly: Client;
  let groupsOnly: Client;
  let globex: Client;
  let userIds: string[];
  let groupIds: string[];

  const search = (client: Client, body: Record<string, unknown>) => client.request('POST', '/.search', { schemas: [SEARCH_SCHEMA], ...body });

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
    globex = await scimClient(bed, 'globex');
    userIds = [];
    groupIds = [];
    for (const name of ['root-a', 'root-b']) {
      const res = await acme.request('POST', '/Users', newUser(`${name}@acme.test`));
      expect(res.statusCode, res.body).toBe(201);
      userIds.push(res.json().id);
      const group = await acme.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `${name} group` });
      expect(group.statusCode, group.body).toBe(201);
      groupIds.push(group.json().id);
    }
    expect((await globex.request('POST', '/Users', newUser('root-a@globex.test'))).statusCode).toBe(201);
    expect((await globex.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'root-a group' })).statusCode).toBe(201);
    // Further clients of acme, each holding one of the two list scopes.
    const { registerApplication } = await import('../support/relying-party.ts');
    const { tokenFor } = await import('../support/scim.ts');
    const clientWith = async (scope: string): Promise<Client> => {
      const { application, clientSecret } = await registerApplication(bed.system, acme.organization.id, { type: 'm2m', scopes: [scope] });
      const token = await tokenFor(bed.app, 'acme', application.id, clientSecret!, [scope]);
      return {
        ...acme,
        token,
        request: (method, path, body, headers = {}) =>
          bed.app.inject({
            method,
            url: `/t/acme/scim2${path}`,
            headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/scim+json' }), ...headers },
            ...(body !== undefined && { payload: JSON.stringify(body) }),
          }),
      } as Client;
    };
    usersOnly = await clientWith('internal_user_mgt_list');
    groupsOnly = await clientWith('internal_group_mgt_view');
  });
  afterAll(() => bed.close());

  it('answers users and then groups of the organization, each with its schemas and meta', async () => {
    const res = await search(acme, {});
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.schemas).toEqual([LIST_SCHEMA]);
    // The owner created with the organization is a user too.
    const users = body.Resources.filter((r: any) => r.meta.resourceType === 'User');
    const groups = body.Resources.filter((r: any) => r.meta.resourceType === 'Group');
    expect(users.map((u: any) => u.id)).toEqual(expect.arrayContaining(userIds));
    expect(groups.map((g: any) => g.id)).toEqual(groupIds);
    expect(body.totalResults).toBe(users.length + groups.length);
    expect(users[0].schemas).toContain(USER_SCHEMA);
    expect(groups[0].schemas).toEqual([GROUP_SCHEMA]);
    expect(groups[0].meta.location).toMatch(/\/t\/acme\/scim2\/Groups\//);
    expect(JSON.stringify(body)).not.toContain('globex');
  });

  it('a filter applies to the types that have its attributes; others contribute nothing', async () => {
    const byName = (await search(acme, { filter: 'displayName sw "root-a"' })).json();
    expect(byName.Resources.map((r: any) => r.id)).toEqual([groupIds[0]]);
    const byUserName = (await search(acme, { filter: 'userName eq "root-b@acme.test"' })).json();
    expect(byUserName.Resources.map((r: any) => r.id)).toEqual([userIds[1]]);
    expect(byUserName.totalResults).toBe(1);
    expectScimError(await search(acme, { filter: 'favouriteColour eq "x"' }), 400, 'invalidFilter');
  });

  it('pages across both types with startIndex and count', async () => {
    const all = (await search(acme, {})).json();
    const ids = all.Resources.map((r: any) => r.id);
    const collected: string[] = [];
    for (let start = 1; start <= all.totalResults; start += 2) {
      const page = (await search(acme, { startIndex: start, count: 2 })).json();
      expect(page.startIndex).toBe(start);
      expect(page.totalResults).toBe(all.totalResults);
      collected.push(...page.Resources.map((r: any) => r.id));
    }
    expect(collected).toEqual(ids);
    const projected = (await search(acme, { attributes: ['id'], count: 1 })).json();
    expect(Object.keys(projected.Resources[0]).sort()).toEqual(expect.arrayContaining(['id', 'schemas']));
    expect(projected.Resources[0]).not.toHaveProperty('name');
  });

  it('a token holding only the users list scope sees no groups, and one holding only the groups scope sees no users', async () => {
    const u = (await search(usersOnly, {})).json();
    expect(u.Resources.length).toBeGreaterThan(0);
    expect(u.Resources.every((r: any) => r.meta.resourceType === 'User')).toBe(true);
    const g = (await search(groupsOnly, {})).json();
    expect(g.Resources.map((r: any) => r.id)).toEqual(groupIds);
    expect(g.totalResults).toBe(2);
  });

  it('refuses a token with neither scope, sortBy, cursor and a wrong schemas', async () => {
    const { registerApplication } = await import('../support/relying-party.ts');
    const { tokenFor } = await import('../support/scim.ts');
    const { application, clientSecret } = await registerApplication(bed.system, acme.organization.id, { type: 'm2m', scopes: ['internal_user_mgt_view'] });
    const token = await tokenFor(bed.app, 'acme', application.id, clientSecret!, ['internal_user_mgt_view']);
    const res = await bed.app.inject({ method: 'POST', url: '/t/acme/scim2/.search', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, payload: JSON.stringify({ schemas: [SEARCH_SCHEMA] }) });
    expectScimError(res, 403);
    expectScimError(await search(acme, { sortBy: 'meta.created' }), 400, 'invalidValue');
    expectScimError(await search(acme, { cursor: '' }), 400, 'invalidValue');
    expectScimError(await acme.request('POST', '/.search', { schemas: ['urn:example:nope'] }), 400, 'invalidSyntax');
  });
});
