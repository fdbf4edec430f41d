// POST /Bulk (RFC 7644 section 3.7): advertised limits that are enforced, bulkId references,
// one transaction for the whole request, and every operation authorised by its own scope.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, type ScimTestBed } from '../support/scim.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;
type Json = Record<string, any>;

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

function bulk(operations: Json[], extra: Json = {}) {
  return { schemas: [BULK_REQUEST], Operations: operations, ...extra };
}

describe('SCIM Bulk', () => {
  let bed: ScimTestBed;
  let scim: Client;
  let limits: { maxOperations: number; maxPayloadSize: number };

  async function userIdByName(client: Client, userName: string): Promise<string | undefined> {
    const res = await client.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().Resources[0]?.id;
  }

  async function rowCount(table: 'users' | 'groups' | 'group_members', orgId: string): Promise<number> {
    const row = await bed.system.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  beforeAll(async () => {
    bed = await createScimTestBed();
    scim = await scimClient(bed, 'bulkorg');
    const config = await bed.app.inject({ method: 'GET', url: '/t/bulkorg/scim2/ServiceProviderConfig' });
    expect(config.statusCode).toBe(200);
    limits = config.json().bulk;
  });
  afterAll(() => bed.close());

  describe('limits', () => {
    it('advertises bulk support with its limits', () => {
      expect(limits).toEqual({ supported: true, maxOperations: expect.any(Number), maxPayloadSize: expect.any(Number) });
      expect(limits.maxOperations).toBeGreaterThanOrEqual(100);
      expect(limits.maxPayloadSize).toBeGreaterThanOrEqual(64 * 1024);
    });

    it('refuses more than maxOperations operations with 413', async () => {
      const operations = Array.from({ length: limits.maxOperations + 1 }, (_, i) => ({ method: 'DELETE', path: `/Users/nobody-${i}` }));
      const res = await scim.request('POST', '/Bulk', bulk(operations));
      expect(res.statusCode, res.body.slice(0, 300)).toBe(413);
      expect(res.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '413' });
      expect(res.json().detail).toContain(String(limits.maxOperations));
    });

    it('accepts exactly maxOperations operations', async () => {
      // Each one would fail (no such user), so the request stops at the first: cheap to run,
      // and it shows the count itself was accepted.
      const operations = Array.from({ length: limits.maxOperations }, (_, i) => ({ method: 'DELETE', path: `/Users/nobody-${i}` }));
      const res = await scim.request('POST', '/Bulk', bulk(operations));
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.json().Operations).toEqual([expect.objectContaining({ method: 'DELETE', status: '404' })]);
    });

    function paddedTo(size: number): string {
      const base = JSON.stringify(bulk([{ method: 'DELETE', path: '/Groups/nothing' }], { padding: '' }));
      const padding = 'x'.repeat(size - Buffer.byteLength(base));
      const body = base.replace('"padding":""', `"padding":"${padding}"`);
      expect(Buffer.byteLength(body)).toBe(size);
      return body;
    }

    for (const contentType of ['application/scim+json', 'application/json']) {
      it(`refuses a payload over maxPayloadSize with 413 in the SCIM error shape (${contentType})`, async () => {
        const res = await scim.request('POST', '/Bulk', paddedTo(limits.maxPayloadSize + 1), { 'content-type': contentType });
        expect(res.statusCode).toBe(413);
        expect(res.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '413' });
      });

      it(`accepts a payload of exactly maxPayloadSize (${contentType})`, async () => {
        const res = await scim.request('POST', '/Bulk', paddedTo(limits.maxPayloadSize), { 'content-type': contentType });
        expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
        expect(res.json()).toMatchObject({ schemas: [BULK_RESPONSE], Operations: [{ method: 'DELETE', status: '404' }] });
      });
    }
  });

  describe('bulkId references', () => {
    it('creates a user and a group whose members reference bulkId:u1, in one request', async () => {
      const res = await scim.request(
        'POST',
        '/Bulk',
        bulk([
          { method: 'POST', path: '/Users', bulkId: 'u1', data: newUser('bulk-one@bulkorg.test') },
          { method: 'POST', path: '/Users', bulkId: 'u2', data: newUser('bulk-two@bulkorg.test') },
          { method: 'POST', path: '/Groups', bulkId: 'g1', data: { schemas: [GROUP_SCHEMA], displayName: 'Bulk Group', members: [{ value: 'bulkId:u1' }] } },
          // A reference in the path too: add the second user to the group just created.
          { method: 'PATCH', path: '/Groups/bulkId:g1', data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:u2' }] }] } },
        ]),
      );
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.schemas).toEqual([BULK_RESPONSE]);
      const [u1, u2, g1, patch] = body.Operations as Json[];
      expect(u1).toMatchObject({ method: 'POST', bulkId: 'u1', status: '201', version: 'W/"1"' });
      expect(u2).toMatchObject({ method: 'POST', bulkId: 'u2', status: '201' });
      expect(g1).toMatchObject({ method: 'POST', bulkId: 'g1', status: '201' });
      expect(patch).toMatchObject({ method: 'PATCH', status: '200', version: 'W/"2"' });
      expect(u1.location).toMatch(/^http:\/\/localhost:3000\/t\/bulkorg\/scim2\/Users\/.+/);
      expect(g1.location).toMatch(/^http:\/\/localhost:3000\/t\/bulkorg\/scim2\/Groups\/.+/);

      const userOne = await userIdByName(scim, 'bulk-one@bulkorg.test');
      const userTwo = await userIdByName(scim, 'bulk-two@bulkorg.test');
      expect(u1.location.endsWith(`/Users/${userOne}`)).toBe(true);
      const groupId = g1.location.split('/').pop();
      const group = (await scim.request('GET', `/Groups/${groupId}`)).json();
      expect(group.displayName).toBe('Bulk Group');
      expect(group.members.map((m: Json) => m.value).sort()).toEqual([userOne, userTwo].sort());
      const user = (await scim.request('GET', `/Users/${userOne}`)).json();
      expect(user.groups.map((g: Json) => g.value)).toEqual([groupId]);
    });

    it('creates a group and then a user who joins it through groups: [{value: "bulkId:g"}] (failOnErrors accepted)', async () => {
      const res = await scim.request(
        'POST',
        '/Bulk',
        bulk(
          [
            { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_SCHEMA], displayName: 'Joined On Create' } },
            { method: 'POST', path: '/Users', bulkId: 'u', data: newUser('joins@bulkorg.test', { groups: [{ value: 'bulkId:g' }] }) },
          ],
          { failOnErrors: 1 },
        ),
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().Operations.map((o: Json) => o.status)).toEqual(['201', '201']);
      const groupId = res.json().Operations[0].location.split('/').pop();
      const userId = await userIdByName(scim, 'joins@bulkorg.test');
      expect((await scim.request('GET', `/Groups/${groupId}`)).json().members.map((m: Json) => m.value)).toEqual([userId]);
    });

    it('refuses a reference to a bulkId no earlier operation created, rolling back the rest', async () => {
      const res = await scim.request(
        'POST',
        '/Bulk',
        bulk([
          { method: 'POST', path: '/Users', bulkId: 'a', data: newUser('unresolved@bulkorg.test') },
          { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_SCHEMA], displayName: 'Unresolved', members: [{ value: 'bulkId:later' }] } },
          { method: 'POST', path: '/Users', bulkId: 'later', data: newUser('later@bulkorg.test') },
        ]),
      );
      expect(res.statusCode).toBe(200);
      const [first, second, third] = res.json().Operations as Json[];
      expect(first.status).toBe('424');
      expect(second.status).toBe('409');
      expect(second.response).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409' });
      expect(third).toBeUndefined();
      expect(await userIdByName(scim, 'unresolved@bulkorg.test')).toBeUndefined();
    });

    it('refuses a bulkId used twice and a POST without bulkId (400)', async () => {
      const twice = await scim.request(
        'POST',
        '/Bulk',
        bulk([
          { method: 'POST', path: '/Users', bulkId: 'same', data: newUser('twice-a@bulkorg.test') },
          { method: 'POST', path: '/Users', bulkId: 'same', data: newUser('twice-b@bulkorg.test') },
        ]),
      );
      expect(twice.statusCode).toBe(400);
      expect(twice.json().scimType).toBe('invalidValue');
      const noBulkId = await scim.request('POST', '/Bulk', bulk([{ method: 'POST', path: '/Users', data: newUser('no-bulkid@bulkorg.test') }]));
      expect(noBulkId.statusCode).toBe(400);
      expect(await userIdByName(scim, 'twice-a@bulkorg.test')).toBeUndefined();
      expect(await userIdByName(scim, 'no-bulkid@bulkorg.test')).toBeUndefined();
    });
  });

  describe('atomicity', () => {
    it('rolls everything back when a later operation fails, reporting that one and 424 for the earlier ones', async () => {
      await scim.request('POST', '/Users', newUser('existing@bulkorg.test'));
      const usersBefore = await rowCount('users', scim.organization.id);
      const groupsBefore = await rowCount('groups', scim.organization.id);
      const res = await scim.request(
        'POST',
        '/Bulk',
        bulk([
          { method: 'POST', path: '/Users', bulkId: 'fresh', data: newUser('fresh@bulkorg.test') },
          { method: 'POST', path: '/Groups', bulkId: 'grp', data: { schemas: [GROUP_SCHEMA], displayName: 'Fresh Group', members: [{ value: 'bulkId:fresh' }] } },
          { method: 'POST', path: '/Users', bulkId: 'dup', data: newUser('EXISTING@bulkorg.test') },
          { method: 'POST', path: '/Users', bulkId: 'never', data: newUser('never@bulkorg.test') },
        ]),
      );
      expect(res.statusCode, res.body).toBe(200);
      const ops = res.json().Operations as Json[];
      expect(ops).toHaveLength(3);
      expect(ops[0]).toMatchObject({ method: 'POST', bulkId: 'fresh', status: '424', response: { schemas: [ERROR_SCHEMA], status: '424' } });
      expect(ops[1]).toMatchObject({ method: 'POST', bulkId: 'grp', status: '424' });
      expect(ops[0]).not.toHaveProperty('location');
      expect(ops[2]).toMatchObject({ method: 'POST', bulkId: 'dup', status: '409', response: { schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' } });

      expect(await userIdByName(scim, 'fresh@bulkorg.test')).toBeUndefined();
      expect(await userIdByName(scim, 'never@bulkorg.test')).toBeUndefined();
      expect(await rowCount('users', scim.organization.id)).toBe(usersBefore);
      expect(await rowCount('groups', scim.organization.id)).toBe(groupsBefore);
      const group = await scim.request('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Fresh Group"')}`);
      expect(group.json().totalResults).toBe(0);
    });

    it('rolls back updates and deletes too', async () => {
      const keep = (await scim.request('POST', '/Users', newUser('keep-me@bulkorg.test'))).json();
      const group = (await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Keep Group', members: [{ value: keep.id }] })).json();
      const res = await scim.request(
        'POST',
        '/Bulk',
        bulk([
          { method: 'PATCH', path: `/Users/${keep.id}`, data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'name.givenName', value: 'Changed' }] } },
          { method: 'DELETE', path: `/Groups/${group.id}` },
          { method: 'PUT', path: `/Users/${keep.id}`, data: { schemas: [USER_SCHEMA], userName: 'someone-else@bulkorg.test' } },
        ]),
      );
      expect(res.statusCode).toBe(200);
      const ops = res.json().Operations as Json[];
      expect(ops.map((o) => o.status)).toEqual(['424', '424', '400']);
      expect(ops[2].response.scimType).toBe('mutability');
      const user = (await scim.request('GET', `/Users/${keep.id}`)).json();
      expect(user).toMatchObject({ name: { givenName: 'Ann' }, meta: { version: 'W/"1"' } });
      const stillThere = await scim.request('GET', `/Groups/${group.id}`);
      expect(stillThere.statusCode).toBe(200);
      expect(stillThere.json().members.map((m: Json) => m.value)).toEqual([keep.id]);
    });

    it('checks each operation version as If-Match (412)', async () => {
      const user = (await scim.request('POST', '/Users', newUser('versioned@bulkorg.test'))).json();
      const res = await scim.request(
        'POST',
        '/Bulk',
        bulk([{ method: 'DELETE', path: `/Users/${user.id}`, version: 'W/"5"' }]),
      );
      expect(res.json().Operations[0]).toMatchObject({ status: '412' });
      expect((await scim.request('GET', `/Users/${user.id}`)).statusCode).toBe(200);
      const ok = await scim.request('POST', '/Bulk', bulk([{ method: 'DELETE', path: `/Users/${user.id}`, version: 'W/"1"' }]));
      expect(ok.json().Operations[0]).toMatchObject({ method: 'DELETE', status: '204' });
      expect((await scim.request('GET', `/Users/${user.id}`)).statusCode).toBe(404);
    });
  });

  describe('request shape', () => {
    it('refuses a body that is not a BulkRequest (400 invalidSyntax)', async () => {
      for (const body of [
        { Operations: [{ method: 'DELETE', path: '/Users/x' }] },
        { schemas: [BULK_REQUEST] },
        { schemas: [BULK_REQUEST], Operations: [] },
        [{ method: 'DELETE', path: '/Users/x' }],
      ]) {
        const res = await scim.request('POST', '/Bulk', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().scimType).toBe('invalidSyntax');
      }
    });

    it('refuses unknown methods and paths (400)', async () => {
      for (const op of [
        { method: 'GET', path: '/Users' },
        { method: 'DELETE', path: '/Schemas/x' },
        { method: 'DELETE', path: '/Users' },
      ]) {
        const res = await scim.request('POST', '/Bulk', bulk([op]));
        const status = res.statusCode === 200 ? res.json().Operations[0].status : String(res.statusCode);
        expect(status, JSON.stringify(op)).toBe('400');
      }
    });
  });

  describe('authorisation', () => {
    it('needs internal_bulk_resource_create for the request itself (403)', async () => {
      const noBulk = await scimClient(bed, 'bulknoscope', ['internal_user_mgt_create', 'internal_user_mgt_list', 'internal_group_mgt_create']);
      const res = await noBulk.request('POST', '/Bulk', bulk([{ method: 'POST', path: '/Users', bulkId: 'u', data: newUser('x@bulknoscope.test') }]));
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '403' });
      expect(res.json().detail).toContain('internal_bulk_resource_create');
      expect(await userIdByName(noBulk, 'x@bulknoscope.test')).toBeUndefined();
    });

    it('authorises every operation by its own scope: POST /Users needs internal_user_mgt_create (403)', async () => {
      const groupsOnly = await scimClient(bed, 'bulkgroupsonly', ['internal_bulk_resource_create', 'internal_group_mgt_create', 'internal_group_mgt_view']);
      const usersBefore = await rowCount('users', groupsOnly.organization.id);
      const res = await groupsOnly.request(
        'POST',
        '/Bulk',
        bulk([
          { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_SCHEMA], displayName: 'Allowed Group' } },
          { method: 'POST', path: '/Users', bulkId: 'u', data: newUser('forbidden@bulkgroupsonly.test') },
        ]),
      );
      expect(res.statusCode, res.body).toBe(200);
      const ops = res.json().Operations as Json[];
      expect(ops[0].status).toBe('424');
      expect(ops[1]).toMatchObject({ method: 'POST', bulkId: 'u', status: '403', response: { status: '403' } });
      expect(ops[1].response.detail).toContain('internal_user_mgt_create');
      expect(await rowCount('users', groupsOnly.organization.id)).toBe(usersBefore);
      expect(await rowCount('groups', groupsOnly.organization.id)).toBe(0);

      // The same token may do what its scopes allow.
      const allowed = await groupsOnly.request('POST', '/Bulk', bulk([{ method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_SCHEMA], displayName: 'Allowed Group' } }]));
      expect(allowed.json().Operations[0].status).toBe('201');
    });

    it('needs the update and delete scopes for PATCH, PUT and DELETE operations', async () => {
      const createOnly = await scimClient(bed, 'bulkcreateonly', ['internal_bulk_resource_create', 'internal_user_mgt_create', 'internal_user_mgt_list']);
      const created = await createOnly.request('POST', '/Users', newUser('victim@bulkcreateonly.test'));
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      for (const [op, scope] of [
        [{ method: 'PATCH', path: `/Users/${id}`, data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] } }, 'internal_user_mgt_update'],
        [{ method: 'PUT', path: `/Users/${id}`, data: newUser('victim@bulkcreateonly.test') }, 'internal_user_mgt_update'],
        [{ method: 'DELETE', path: `/Users/${id}` }, 'internal_user_mgt_delete'],
        [{ method: 'DELETE', path: '/Groups/any' }, 'internal_group_mgt_delete'],
      ] as const) {
        const res = await createOnly.request('POST', '/Bulk', bulk([op]));
        expect(res.json().Operations[0], op.method).toMatchObject({ status: '403' });
        expect(res.json().Operations[0].response.detail).toContain(scope);
      }
      expect(await userIdByName(createOnly, 'victim@bulkcreateonly.test')).toBe(id);
    });

    it('answers 401 without a token', async () => {
      const res = await bed.app.inject({ method: 'POST', url: '/t/bulkorg/scim2/Bulk', payload: bulk([{ method: 'DELETE', path: '/Users/x' }]) });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });
});
