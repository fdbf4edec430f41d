// SCIM discovery (RFC 7644 section 4, RFC 7643 sections 5 to 7): ServiceProviderConfig,
// ResourceTypes and Schemas, reachable without a token, telling the truth about the server.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, type ScimTestBed } from '../support/scim.ts';
import { newId } from '../../src/lib/ids.ts';

type Json = Record<string, any>;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const WSO2 = 'urn:scim:wso2:schema';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const BASE = 'http://localhost:3000/t/disco/scim2';

const CHARACTERISTICS = ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness'];

function attribute(list: Json[], name: string): Json {
  const found = list.find((a) => a.name === name);
  if (!found) throw new Error(`no attribute ${name} among ${list.map((a) => a.name).join(', ')}`);
  return found;
}

describe('SCIM discovery', () => {
  let bed: ScimTestBed;
  let scim: Awaited<ReturnType<typeof scimClient>>;

  /** Discovery is public: these requests carry no Authorization header at all. */
  async function anonymous(path: string) {
    const res = await bed.app.inject({ method: 'GET', url: `/t/disco/scim2${path}` });
    return res;
  }

  beforeAll(async () => {
    bed = await createScimTestBed();
    scim = await scimClient(bed, 'disco');
  });
  afterAll(() => bed.close());

  describe('ServiceProviderConfig', () => {
    let config: Json;

    beforeAll(async () => {
      const res = await anonymous('/ServiceProviderConfig');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      config = res.json();
    });

    it('states what the server supports', () => {
      expect(config.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
      expect(config.patch).toEqual({ supported: true });
      expect(config.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 1024 * 1024 });
      expect(config.filter).toEqual({ supported: true, maxResults: 1000 });
      expect(config.changePassword).toEqual({ supported: true });
      expect(config.sort).toEqual({ supported: true });
      expect(config.etag).toEqual({ supported: true });
      expect(config.pagination).toMatchObject({ cursor: true, index: true });
      expect(config.meta).toMatchObject({ resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` });
    });

    it('names OAuth bearer tokens as the authentication scheme', () => {
      expect(config.authenticationSchemes).toHaveLength(1);
      expect(config.authenticationSchemes[0]).toMatchObject({ type: 'oauthbearertoken', name: expect.any(String), description: expect.any(String), primary: true });
      expect(config.authenticationSchemes[0].specUri).toMatch(/rfc6750/);
    });

    it('is truthful about filter.maxResults: a list never returns more, whatever count asks for', async () => {
      // 1001 groups straight into the table (cheap), then ask for 5000.
      const now = new Date();
      const rows = Array.from({ length: 1001 }, (_, i) => ({
        id: newId(),
        org_id: scim.organization.id,
        display_name: `Bulk ${String(i).padStart(4, '0')}`,
        name_key: `bulk ${String(i).padStart(4, '0')}`,
        created_at: now,
        modified_at: now,
        version: 1,
        external_id: null,
      }));
      for (let i = 0; i < rows.length; i += 250) await bed.system.db.insertInto('groups').values(rows.slice(i, i + 250)).execute();
      const res = await scim.request('GET', '/Groups?count=5000&excludedAttributes=members');
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      expect(res.json()).toMatchObject({ totalResults: 1001, itemsPerPage: config.filter.maxResults });
      expect(res.json().Resources).toHaveLength(config.filter.maxResults);
      const cursor = await scim.request('GET', '/Groups?count=5000&cursor=&excludedAttributes=members');
      expect(cursor.json().Resources).toHaveLength(config.filter.maxResults);
      expect(cursor.json().nextCursor).toEqual(expect.any(String));
      await bed.system.db.deleteFrom('groups').where('org_id', '=', scim.organization.id).execute();
    });

    it('is truthful about etag, sort and patch', async () => {
      const created = await scim.request('POST', '/Users', newUser('truth@disco.test'));
      expect(created.headers.etag).toBe('W/"1"');
      await scim.request('POST', '/Users', newUser('another@disco.test'));
      const sorted = await scim.request('GET', '/Users?sortBy=userName&sortOrder=descending');
      const names = sorted.json().Resources.map((u: Json) => u.userName);
      expect(names).toEqual([...names].sort().reverse());
      const patched = await scim.request('PATCH', `/Users/${created.json().id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Truth' }],
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.headers.etag).toBe('W/"2"');
    });
  });

  describe('ResourceTypes', () => {
    it('lists User (with both extensions) and Group', async () => {
      const res = await anonymous('/ResourceTypes');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 2 });
      const user = body.Resources.find((r: Json) => r.id === 'User');
      const group = body.Resources.find((r: Json) => r.id === 'Group');
      expect(user).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        name: 'User',
        endpoint: '/Users',
        schema: USER,
        meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` },
      });
      expect(user.schemaExtensions).toEqual(
        expect.arrayContaining([
          { schema: ENTERPRISE, required: false },
          { schema: WSO2, required: false },
        ]),
      );
      expect(user.schemaExtensions).toHaveLength(2);
      expect(group).toMatchObject({ name: 'Group', endpoint: '/Groups', schema: GROUP });
      expect(group.schemaExtensions ?? []).toEqual([]);
    });

    it('serves each resource type by id, and 404 for an unknown one', async () => {
      const user = await anonymous('/ResourceTypes/User');
      expect(user.statusCode).toBe(200);
      expect(user.json()).toMatchObject({ id: 'User', schema: USER });
      const group = await anonymous('/ResourceTypes/Group');
      expect(group.json()).toMatchObject({ id: 'Group', schema: GROUP });
      const unknown = await anonymous('/ResourceTypes/Device');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    });
  });

  describe('Schemas', () => {
    let schemas: Json[];

    beforeAll(async () => {
      const res = await anonymous('/Schemas');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 4 });
      schemas = res.json().Resources;
    });

    const byId = (id: string) => {
      const found = schemas.find((s) => s.id === id);
      if (!found) throw new Error(`no schema ${id}`);
      return found;
    };

    it('lists the User, enterprise, WSO2 and Group schemas, each with its location', () => {
      expect(schemas.map((s) => s.id).sort()).toEqual([USER, ENTERPRISE, WSO2, GROUP].sort());
      for (const schema of schemas) {
        expect(schema.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
        expect(schema.meta).toEqual({ resourceType: 'Schema', location: `${BASE}/Schemas/${schema.id}` });
        expect(schema.name).toEqual(expect.any(String));
      }
    });

    it('describes every attribute and sub-attribute with all its characteristics', () => {
      const check = (attributes: Json[], where: string) => {
        for (const a of attributes) {
          for (const key of CHARACTERISTICS) expect(a, `${where}.${a.name} lacks ${key}`).toHaveProperty(key);
          expect(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary']).toContain(a.type);
          expect(['readOnly', 'readWrite', 'immutable', 'writeOnly']).toContain(a.mutability);
          expect(['always', 'never', 'default', 'request']).toContain(a.returned);
          if (a.type === 'complex') {
            expect(a.subAttributes, `${where}.${a.name}`).toEqual(expect.any(Array));
            check(a.subAttributes, `${where}.${a.name}`);
          }
          if (a.type === 'reference') expect(a.referenceTypes, `${where}.${a.name}`).toEqual(expect.any(Array));
        }
      };
      for (const schema of schemas) check(schema.attributes, schema.id);
    });

    it('says userName is required, immutable and unique; password write-only and never returned; groups read-only', () => {
      const attributes = byId(USER).attributes as Json[];
      expect(attribute(attributes, 'userName')).toMatchObject({ type: 'string', required: true, mutability: 'immutable', returned: 'always', uniqueness: 'server', caseExact: false });
      expect(attribute(attributes, 'password')).toMatchObject({ type: 'string', mutability: 'writeOnly', returned: 'never' });
      const groups = attribute(attributes, 'groups');
      expect(groups).toMatchObject({ type: 'complex', multiValued: true, mutability: 'readOnly' });
      for (const sub of groups.subAttributes) expect(sub.mutability, `groups.${sub.name}`).toBe('readOnly');
      expect(attribute(attributes, 'emails')).toMatchObject({ type: 'complex', multiValued: true });
      expect(attribute(attributes, 'active')).toMatchObject({ type: 'boolean' });
      expect(attribute(attributes, 'name').subAttributes.map((s: Json) => s.name).sort()).toEqual(['familyName', 'formatted', 'givenName', 'honorificPrefix', 'honorificSuffix', 'middleName']);
      const meta = attribute(attributes, 'meta');
      expect(meta.mutability).toBe('readOnly');
      expect(attributes.find((a) => a.name === 'id')).toBeUndefined();
    });

    it('describes the Group schema: displayName unique, members with value, display and $ref', () => {
      const attributes = byId(GROUP).attributes as Json[];
      expect(attribute(attributes, 'displayName')).toMatchObject({ required: true, uniqueness: 'server' });
      const members = attribute(attributes, 'members');
      expect(members).toMatchObject({ type: 'complex', multiValued: true });
      expect(members.subAttributes.map((s: Json) => s.name)).toEqual(expect.arrayContaining(['value', 'display', '$ref']));
      expect(attribute(members.subAttributes, '$ref')).toMatchObject({ type: 'reference', referenceTypes: ['User'] });
      expect(attribute(members.subAttributes, 'display').mutability).toBe('readOnly');
    });

    it('describes the extensions: the enterprise manager, and the WSO2 account attributes', () => {
      const manager = attribute(byId(ENTERPRISE).attributes, 'manager');
      expect(manager).toMatchObject({ type: 'complex', multiValued: false });
      expect(attribute(manager.subAttributes, 'value')).toMatchObject({ type: 'string' });
      expect(attribute(manager.subAttributes, 'displayName').mutability).toBe('readOnly');
      const wso2 = byId(WSO2).attributes as Json[];
      expect(attribute(wso2, 'askPassword')).toMatchObject({ type: 'boolean', mutability: 'writeOnly', returned: 'never' });
      expect(attribute(wso2, 'accountState')).toMatchObject({ mutability: 'readOnly', canonicalValues: ['PENDING', 'ACTIVE', 'LOCKED', 'DISABLED'] });
      expect(attribute(wso2, 'accountLocked')).toMatchObject({ type: 'boolean' });
      expect(attribute(wso2, 'emailVerified')).toMatchObject({ type: 'boolean' });
    });

    it('serves each schema at /Schemas/{id}, the same as in the list', async () => {
      for (const id of [USER, ENTERPRISE, WSO2, GROUP]) {
        const res = await anonymous(`/Schemas/${id}`);
        expect(res.statusCode, id).toBe(200);
        expect(res.json()).toEqual(byId(id));
      }
    });

    it('answers 404 in the SCIM error shape for an unknown schema', async () => {
      for (const id of ['urn:ietf:params:scim:schemas:core:2.0:Device', 'nothing']) {
        const res = await anonymous(`/Schemas/${encodeURIComponent(id)}`);
        expect(res.statusCode, id).toBe(404);
        expect(res.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
      }
    });
  });

  describe('access', () => {
    it('needs no token, and ignores a bad one', async () => {
      for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas', `/Schemas/${USER}`]) {
        const res = await bed.app.inject({ method: 'GET', url: `/t/disco/scim2${path}`, headers: { authorization: 'Bearer not-a-real-token' } });
        expect(res.statusCode, path).toBe(200);
      }
    });

    it('while the resource endpoints do need one (401 with WWW-Authenticate)', async () => {
      for (const path of ['/Users', '/Groups', '/Me']) {
        const res = await anonymous(path);
        expect(res.statusCode, path).toBe(401);
        expect(res.headers['www-authenticate'], path).toMatch(/^Bearer realm="disco"/);
      }
    });
  });
});

describe('SCIM discovery of an organization that does not exist', () => {
  let bed: ScimTestBed;
  beforeAll(async () => {
    bed = await createScimTestBed();
  });
  afterAll(() => bed.close());

  it('answers 404 in the SCIM error shape, as the rest of the API does', async () => {
    for (const path of ['/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/Users']) {
      const res = await bed.app.inject({ method: 'GET', url: `/t/nowhere/scim2${path}` });
      expect(res.statusCode, path).toBe(404);
      expect(res.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    }
  });
});
