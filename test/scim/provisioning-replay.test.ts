// Requests in the exact shapes that Microsoft Entra ID and Okta send when they provision users
// and groups, replayed against Tessera in the order those clients send them.
//
// Sources of the shapes:
// - Microsoft, "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID"
//   (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups,
//   section "SCIM protocol requests and responses"; MicrosoftDocs/entra-docs
//   docs/identity/app-provisioning/use-scim-to-provision-users-and-groups.md).
// - Microsoft, "Known issues and resolutions with SCIM 2.0 protocol compliance of the Microsoft
//   Entra user provisioning service" (learn.microsoft.com/entra/identity/app-provisioning/
//   application-provisioning-config-problem-scim-compatibility, "Flags to alter the SCIM
//   behavior": the requests with and without the aadOptscim062020 flag).
// - Entra's manager as a bare id string, in the extension object and as a PATCH value:
//   Captain-P-Goldfish/SCIM-SDK#686 and apache/directory-scimple#1242 (recorded requests).
// - Okta, "Okta and SCIM Version 2.0" (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20).
//
// Ids, names and addresses are ours (userName must be an email in Tessera); structure, letter
// case of `op`, string booleans and extra attributes are as recorded.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, type ScimTestBed } from '../support/scim.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;
type Json = Record<string, any>;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

function q(filter: string): string {
  return encodeURIComponent(filter);
}

describe('provisioning replay: Microsoft Entra ID', () => {
  let bed: ScimTestBed;
  let entra: Client;
  let managerId: string;
  let userId: string;
  let groupId: string;

  beforeAll(async () => {
    bed = await createScimTestBed();
    entra = await scimClient(bed, 'entra');
  });
  afterAll(() => bed.close());

  async function getUser(id: string): Promise<Json> {
    const res = await entra.request('GET', `/Users/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  it('Test Connection: a query for a random GUID gets 200 and an empty ListResponse', async () => {
    const res = await entra.request('GET', `/Users?filter=${q('userName eq "1d3b7c4e-7a1f-4c55-b0e4-9c3b1f8f2a61"')}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 0, Resources: [] });
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  });

  it('Get User by query finds no one, then Create User (with meta.resourceType, roles, the enterprise extension) gets 201', async () => {
    const lookup = await entra.request('GET', `/Users?filter=${q('userName eq "Test_User_Boss@contoso.test"')}`);
    expect(lookup.json().totalResults).toBe(0);

    // The manager is provisioned first.
    const boss = await entra.request('POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      externalId: 'f1c2a7de-2b0e-4a33-9a55-2c1f0b8d9e01',
      userName: 'Test_User_Boss@contoso.test',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_Boss@contoso.test' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Bea Boss', familyName: 'Boss', givenName: 'Bea' },
      roles: [],
    });
    expect(boss.statusCode, boss.body).toBe(201);
    managerId = boss.json().id;

    const res = await entra.request('POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_Joy@contoso.test',
      active: true,
      addresses: null,
      displayName: 'Joy Young',
      emails: [{ primary: true, type: 'work', value: 'Joy.Young@Contoso.test' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Joy Young', familyName: 'Young', givenName: 'Joy' },
      phoneNumbers: null,
      preferredLanguage: null,
      title: null,
      roles: [],
      [ENTERPRISE]: { employeeNumber: '100009', department: 'Human Resources', manager: managerId },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    userId = body.id;
    expect(body).toMatchObject({
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'test_user_joy@contoso.test',
      displayName: 'Joy Young',
      active: true,
      name: { givenName: 'Joy', familyName: 'Young' },
      [ENTERPRISE]: { employeeNumber: '100009', department: 'Human Resources', manager: { value: managerId } },
    });
    // Tessera keeps the userName as the primary address; the work mail Entra sends is kept beside it.
    expect(body.emails).toContainEqual({ type: 'work', primary: false, value: 'joy.young@contoso.test' });
    expect(body.emails).toContainEqual({ type: 'work', primary: true, value: 'test_user_joy@contoso.test' });
    expect(body.schemas).toContain(ENTERPRISE);
    expect(body).not.toHaveProperty('password');
  });

  it('Get User by query: userName (any letter case), externalId and emails[type eq "work"].value', async () => {
    for (const filter of [
      'userName eq "Test_User_Joy@contoso.test"',
      'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"',
      'emails[type eq "work" and value eq "Joy.Young@Contoso.test"]',
      'emails.value eq "joy.young@contoso.test"',
    ]) {
      const res = await entra.request('GET', `/Users?filter=${q(filter)}`);
      expect(res.statusCode, `${filter}: ${res.body}`).toBe(200);
      expect(res.json().totalResults, filter).toBe(1);
      expect(res.json().Resources[0].id, filter).toBe(userId);
    }
  });

  // Documented by Microsoft ("/Users: ... a GET to /Users with a filter must allow for both
  // userName eq ... and emails[type eq "work"].value eq ... queries").
  it('Get User by query: emails[type eq "work"].value eq "..." (the Entra matching filter)', async () => {
    const res = await entra.request('GET', `/Users?filter=${q('emails[type eq "work"].value eq "Joy.Young@Contoso.test"')}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().totalResults).toBe(1);
    expect(res.json().Resources[0].id).toBe(userId);
  });

  it('Create User again for the same userName is 409 uniqueness, so Entra matches instead of duplicating', async () => {
    const res = await entra.request('POST', '/Users', {
      schemas: [USER],
      userName: 'TEST_USER_JOY@contoso.test',
      active: true,
      meta: { resourceType: 'User' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });

  it('Update User [Multi-valued properties]: Replace emails[type eq "work"].value and name.familyName', async () => {
    const res = await entra.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@contoso.test' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const user = await getUser(userId);
    expect(user.emails).toContainEqual({ type: 'work', primary: false, value: 'updatedemail@contoso.test' });
    expect(user.emails.map((e: Json) => e.value)).not.toContain('joy.young@contoso.test');
    expect(user.emails.filter((e: Json) => e.primary)).toEqual([expect.objectContaining({ value: 'test_user_joy@contoso.test' })]);
    expect(user.name).toMatchObject({ givenName: 'Joy', familyName: 'updatedFamilyName' });
  });

  it('Replace multiple attributes, without the aadOptscim062020 flag: one Replace per attribute', async () => {
    const res = await entra.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Pvlo' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@contoso.test' },
        { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
        { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
        { op: 'Replace', path: 'externalId', value: 'Eqpj' },
        { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const user = await getUser(userId);
    expect(user).toMatchObject({
      displayName: 'Pvlo',
      externalId: 'Eqpj',
      name: { givenName: 'Gtfd', familyName: 'Pkqf' },
      [ENTERPRISE]: { employeeNumber: 'Eqpj', department: 'Human Resources', manager: { value: managerId } },
    });
    expect(user.userName).toBe('test_user_joy@contoso.test');
    expect(user.emails).toContainEqual(expect.objectContaining({ type: 'work', value: 'testbcwqnm@contoso.test' }));
  });

  it('Replace multiple attributes, with the flag: a path-less value whose keys are attribute paths (name.givenName, extension URNs)', async () => {
    const res = await entra.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@contoso.test' },
        {
          op: 'replace',
          value: {
            displayName: 'Bjfe',
            'name.givenName': 'Kkom',
            'name.familyName': 'Unua',
            [`${ENTERPRISE}:employeeNumber`]: 'Aklq',
          },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const user = await getUser(userId);
    expect(user).toMatchObject({
      displayName: 'Bjfe',
      name: { givenName: 'Kkom', familyName: 'Unua' },
      [ENTERPRISE]: { employeeNumber: 'Aklq', department: 'Human Resources' },
    });
    expect(user.emails).toContainEqual(expect.objectContaining({ type: 'work', value: 'testmhvaes@contoso.test' }));
  });

  it('Add a single-value string attribute ("op": "Add", with a path) sets it', async () => {
    const res = await entra.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'displayName', value: 'Babs' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await getUser(userId)).displayName).toBe('Babs');
    // The recorded example uses nickName, a standard attribute Tessera stores.
    const nick = await entra.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'nickName', value: 'Babs' }],
    });
    expect(nick.statusCode, nick.body).toBe(200);
    expect((await getUser(userId)).nickName).toBe('Babs');
  });

  it('Add and replace the manager with the bare id Entra sends as the value', async () => {
    const other = await entra.request('POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      userName: 'Test_User_Other_Boss@contoso.test',
      active: true,
      meta: { resourceType: 'User' },
    });
    expect(other.statusCode, other.body).toBe(201);
    const res = await entra.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: other.json().id }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await getUser(userId))[ENTERPRISE].manager).toEqual({ value: other.json().id, $ref: other.json().meta.location, displayName: 'test_user_other_boss@contoso.test' });

    const back = await entra.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: managerId }],
    });
    expect(back.statusCode, back.body).toBe(200);
    expect((await getUser(userId))[ENTERPRISE]).toMatchObject({ manager: { value: managerId }, employeeNumber: 'Aklq' });
  });

  it('Update User [Single-valued properties]: Replace userName is refused (userName is immutable in Tessera)', async () => {
    const res = await entra.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@contoso.test' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().scimType).toBe('mutability');
    expect((await getUser(userId)).userName).toBe('test_user_joy@contoso.test');
  });

  it('Disable User without the flag: "op": "Replace", "path": "active", "value": "False" (a string)', async () => {
    const res = await entra.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().active).toBe(false);
    // A disabled user is still returned by GET and by the filter Entra matches with.
    const user = await getUser(userId);
    expect(user).toMatchObject({ active: false, 'urn:scim:wso2:schema': { accountState: 'DISABLED' } });
    const found = await entra.request('GET', `/Users?filter=${q('userName eq "Test_User_Joy@contoso.test"')}`);
    expect(found.json().Resources[0]).toMatchObject({ id: userId, active: false });
  });

  it('Enable and disable again with the flag: "value": true / false as booleans', async () => {
    const on = await entra.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'True' }],
    });
    expect(on.statusCode, on.body).toBe(200);
    expect((await getUser(userId)).active).toBe(true);
    const off = await entra.request('PATCH', `/Users/${userId}`, {
      Operations: [{ op: 'replace', path: 'active', value: false }],
      schemas: [PATCH_OP],
    });
    expect(off.statusCode, off.body).toBe(200);
    expect((await getUser(userId)).active).toBe(false);
  });

  describe('groups', () => {
    let memberA: string;
    let memberB: string;

    beforeAll(async () => {
      for (const name of ['member.a', 'member.b']) {
        const res = await entra.request('POST', '/Users', {
          schemas: [USER, ENTERPRISE],
          externalId: name,
          userName: `${name}@contoso.test`,
          active: true,
          meta: { resourceType: 'User' },
          name: { familyName: 'Member', givenName: name },
          roles: [],
        });
        expect(res.statusCode, res.body).toBe(201);
        if (name === 'member.a') memberA = res.json().id;
        else memberB = res.json().id;
      }
    });

    it('Get Group by displayName finds nothing, then Create Group (Entra schema URI and meta.resourceType) gets 201', async () => {
      const lookup = await entra.request('GET', `/Groups?excludedAttributes=members&filter=${q('displayName eq "Entra Readers"')}`);
      expect(lookup.statusCode, lookup.body).toBe(200);
      expect(lookup.json().totalResults).toBe(0);

      const res = await entra.request('POST', '/Groups', {
        schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'Entra Readers',
        meta: { resourceType: 'Group' },
      });
      expect(res.statusCode, res.body).toBe(201);
      groupId = res.json().id;
      expect(res.json()).toMatchObject({ displayName: 'Entra Readers', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', members: [] });
    });

    it('Get Group and Get Group by displayName with excludedAttributes=members', async () => {
      const one = await entra.request('GET', `/Groups/${groupId}?excludedAttributes=members`);
      expect(one.statusCode).toBe(200);
      expect(one.json()).toMatchObject({ id: groupId, displayName: 'Entra Readers' });
      expect(one.json()).not.toHaveProperty('members');

      const res = await entra.request('GET', `/Groups?excludedAttributes=members&filter=${q('displayName eq "Entra Readers"')}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 1, Resources: [{ id: groupId, displayName: 'Entra Readers' }] });
      expect(res.json().Resources[0]).not.toHaveProperty('members');
    });

    it('Update Group [Add Members]: "op": "Add", "path": "members", "value": [{"$ref": null, "value": id}]', async () => {
      const res = await entra.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: memberA }] }],
      });
      expect([200, 204]).toContain(res.statusCode);
      // Entra adds members one operation each, several in one request.
      const more = await entra.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Add', path: 'members', value: [{ value: memberB }] },
          { op: 'Add', path: 'members', value: [{ value: userId }] },
        ],
      });
      expect([200, 204]).toContain(more.statusCode);
      const group = (await entra.request('GET', `/Groups/${groupId}`)).json();
      expect(group.members.map((m: Json) => m.value).sort()).toEqual([memberA, memberB, userId].sort());
    });

    it('Entra checks membership with members[value eq ...] filters', async () => {
      const res = await entra.request('GET', `/Groups?excludedAttributes=members&filter=${q(`id eq "${groupId}" and members[value eq "${memberA}"]`)}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().totalResults).toBe(1);
    });

    it('Update Group [Remove Members] without the flag: "op": "Remove", "path": "members", "value": [{"$ref": null, "value": id}]', async () => {
      const res = await entra.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: memberA }] }],
      });
      expect([200, 204]).toContain(res.statusCode);
      const group = (await entra.request('GET', `/Groups/${groupId}`)).json();
      expect(group.members.map((m: Json) => m.value).sort()).toEqual([memberB, userId].sort());
    });

    it('Remove a group member with the flag: "op": "remove", "path": "members[value eq \\"id\\"]"', async () => {
      const res = await entra.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'remove', path: `members[value eq "${memberB}"]` }],
      });
      expect([200, 204]).toContain(res.statusCode);
      const group = (await entra.request('GET', `/Groups/${groupId}`)).json();
      expect(group.members.map((m: Json) => m.value)).toEqual([userId]);
      expect((await getUser(memberB)).groups ?? []).toEqual([]);
      expect((await getUser(userId)).groups).toEqual([expect.objectContaining({ value: groupId, display: 'Entra Readers' })]);
    });

    it('Update Group [Non-member attributes]: "op": "Replace", "path": "displayName"', async () => {
      const res = await entra.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }],
      });
      expect([200, 204]).toContain(res.statusCode);
      const group = (await entra.request('GET', `/Groups/${groupId}?excludedAttributes=members`)).json();
      expect(group.displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
      // The membership survived the rename.
      expect((await entra.request('GET', `/Groups/${groupId}`)).json().members.map((m: Json) => m.value)).toEqual([userId]);
    });

    it('Delete Group is 204; the members stay', async () => {
      const res = await entra.request('DELETE', `/Groups/${groupId}`);
      expect(res.statusCode).toBe(204);
      expect((await entra.request('GET', `/Groups/${groupId}`)).statusCode).toBe(404);
      expect((await getUser(userId)).groups ?? []).toEqual([]);
    });
  });

  it('Delete User is 204, and the user is gone from GET and from filters', async () => {
    const res = await entra.request('DELETE', `/Users/${userId}`);
    expect(res.statusCode).toBe(204);
    expect((await entra.request('GET', `/Users/${userId}`)).statusCode).toBe(404);
    const found = await entra.request('GET', `/Users?filter=${q('userName eq "Test_User_Joy@contoso.test"')}`);
    expect(found.json().totalResults).toBe(0);
  });
});

describe('provisioning replay: Okta', () => {
  let bed: ScimTestBed;
  let okta: Client;
  let userId: string;
  let secondId: string;
  let groupId: string;

  beforeAll(async () => {
    bed = await createScimTestBed();
    okta = await scimClient(bed, 'okta');
  });
  afterAll(() => bed.close());

  it('after saving the configuration Okta lists users and groups with startIndex and count', async () => {
    const users = await okta.request('GET', '/Users?startIndex=1&count=2');
    expect(users.statusCode, users.body).toBe(200);
    // The organization's owner is there already.
    expect(users.json()).toMatchObject({ schemas: [LIST_RESPONSE], startIndex: 1 });
    expect(typeof users.json().totalResults).toBe('number');
    expect(typeof users.json().itemsPerPage).toBe('number');
    const groups = await okta.request('GET', '/Groups?startIndex=1&count=100');
    expect(groups.statusCode).toBe(200);
    expect(groups.json()).toMatchObject({ totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
  });

  it('checks for the user with a filter and paging parameters, then creates it (with password, locale and groups: [])', async () => {
    const lookup = await okta.request('GET', `/Users?filter=${q('userName eq "test.user@okta.local"')}&startIndex=1&count=100`);
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json()).toMatchObject({ totalResults: 0, Resources: [] });

    const res = await okta.request('POST', '/Users', {
      schemas: [USER],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: 'sample passphrase 1mz050nq', // Okta's own sample ('1mz050nq') scores 2 and is refused now
      active: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    userId = res.json().id;
    expect(res.json()).toMatchObject({ userName: 'test.user@okta.local', externalId: '00ujl29u0le5T6Aj10h7', active: true, displayName: 'Test User' });
    expect(res.json()).not.toHaveProperty('password');

    const again = await okta.request('GET', `/Users?filter=${q('userName eq "test.user@okta.local"')}&startIndex=1&count=100`);
    expect(again.json()).toMatchObject({ totalResults: 1, Resources: [{ id: userId }] });
  });

  it('GET /Users/{id}, then PUT /Users/{id} with the whole user (id, meta, groups, middleName, emails.display)', async () => {
    const current = await okta.request('GET', `/Users/${userId}`);
    expect(current.statusCode).toBe(200);
    const res = await okta.request('PUT', `/Users/${userId}`, {
      schemas: [USER],
      id: userId,
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work', display: 'test.user@okta.local' }],
      active: true,
      groups: [],
      meta: { resourceType: 'User' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: userId, name: { givenName: 'Another', familyName: 'User' }, active: true });
    // A full replace: what the PUT left out is gone.
    expect(res.json()).not.toHaveProperty('externalId');
    expect(res.json().displayName).not.toBe('Test User');
  });

  it('deactivates and reactivates with a path-less replace: {"op":"replace","value":{"active":false}}', async () => {
    const off = await okta.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ id: userId, active: false });
    expect((await okta.request('GET', `/Users/${userId}`)).json().active).toBe(false);

    const on = await okta.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: true } }],
    });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json().active).toBe(true);
  });

  describe('Group Push', () => {
    beforeAll(async () => {
      const res = await okta.request('POST', '/Users', {
        schemas: [USER],
        userName: 'second.user@okta.local',
        name: { givenName: 'Second', familyName: 'User' },
        emails: [{ primary: true, value: 'second.user@okta.local', type: 'work' }],
        groups: [],
        password: 'sample passphrase 1mz050nq', // Okta's own sample ('1mz050nq') scores 2 and is refused now
        active: true,
      });
      expect(res.statusCode, res.body).toBe(201);
      secondId = res.json().id;
    });

    it('creates a group with an empty member list', async () => {
      const res = await okta.request('POST', '/Groups', { schemas: [GROUP], displayName: 'Test SCIMv2', members: [] });
      expect(res.statusCode, res.body).toBe(201);
      groupId = res.json().id;
      expect(res.json()).toMatchObject({ schemas: [GROUP], displayName: 'Test SCIMv2', members: [], meta: { resourceType: 'Group' } });
    });

    it('checks the group exists with filter=displayName eq and paging parameters, and reads it', async () => {
      const res = await okta.request('GET', `/Groups?filter=${q('displayName eq "Test SCIMv2"')}&startIndex=1&count=100`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id: groupId, displayName: 'Test SCIMv2' }] });
      const one = await okta.request('GET', `/Groups/${groupId}`);
      expect(one.json()).toMatchObject({ id: groupId, displayName: 'Test SCIMv2', members: [] });
    });

    it('adds members with display, and removes by filter in the same request', async () => {
      const first = await okta.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'members', value: [{ value: secondId, display: 'second.user@okta.local' }] }],
      });
      expect(first.statusCode, first.body).toBe(200);

      const res = await okta.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'remove', path: `members[value eq "${secondId}"]` },
          { op: 'add', path: 'members', value: [{ value: userId, display: 'test.user@okta.local' }] },
        ],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().members).toEqual([expect.objectContaining({ value: userId, display: 'test.user@okta.local' })]);
    });

    it('renames with {"op":"replace","value":{"id":..., "displayName":...}} (sent with every membership update)', async () => {
      const same = await okta.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv2' } }],
      });
      expect(same.statusCode, same.body).toBe(200);
      expect(same.json().displayName).toBe('Test SCIMv2');

      const res = await okta.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv20' } }],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id: groupId, displayName: 'Test SCIMv20' });
      expect(res.json().members.map((m: Json) => m.value)).toEqual([userId]);

      // The id in the value must be the group's own.
      const other = await okta.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv21' } }],
      });
      expect(other.statusCode).toBe(400);
      expect(other.json().scimType).toBe('mutability');
    });

    it('pushes the full membership with replace and path "members"', async () => {
      const res = await okta.request('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [
          {
            op: 'replace',
            path: 'members',
            value: [
              { value: userId, display: 'test.user@okta.local' },
              { value: secondId, display: 'second.user@okta.local' },
            ],
          },
        ],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().members.map((m: Json) => m.value).sort()).toEqual([userId, secondId].sort());
    });

    it('App Integration Wizard apps send a PUT with the whole group', async () => {
      const res = await okta.request('PUT', `/Groups/${groupId}`, {
        schemas: [GROUP],
        displayName: 'Test SCIMv2',
        members: [{ value: userId, display: 'test.user@okta.local' }],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ displayName: 'Test SCIMv2', members: [expect.objectContaining({ value: userId })] });
      expect(res.json().members).toHaveLength(1);
    });

    it('deletes the pushed group with 204', async () => {
      const res = await okta.request('DELETE', `/Groups/${groupId}`);
      expect(res.statusCode).toBe(204);
      expect((await okta.request('GET', `/Users/${userId}`)).json().groups ?? []).toEqual([]);
    });
  });
});
