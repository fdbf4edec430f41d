import { describe, expect, it } from 'vitest';
import { ScimError, type ScimType } from './errors.ts';
import { MAX_PATCH_OPERATIONS, PATCH_OP_SCHEMA, applyPatch, parsePatchRequest } from './patch.ts';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_RESOURCE,
  GROUP_SCHEMA,
  USER_RESOURCE,
  USER_SCHEMA,
  WSO2_USER_SCHEMA,
  type ResourceSchema,
} from './schema-definitions.ts';

const BASE = 'https://id.example.com/t/acme/scim/v2';
const USER_ID = '2819c223-7f76-453a-919d-413861904646';
const MANAGER_ID = '26118915-6090-4610-87e4-49d8ca9f808d';
const GROUP_ID = 'e9e30dba-f08f-4109-8486-d5c6a331660a';
const ID_A = '6c5bb468-14b2-4183-baf2-06d523e03bd3';
const ID_B = '8d3f1c2e-5b6a-4c7d-9e8f-0a1b2c3d4e5f';
const ENT = ENTERPRISE_USER_SCHEMA;
const WSO2 = WSO2_USER_SCHEMA;

type Json = Record<string, unknown>;

/** A User as GET /Users/{id} returns it. */
function ada(): Json {
  return {
    schemas: [USER_SCHEMA, ENT, WSO2],
    id: USER_ID,
    externalId: 'ada-00u1',
    userName: 'ada@example.com',
    name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
    displayName: 'Ada Lovelace',
    emails: [
      { value: 'ada@example.com', type: 'work', primary: true },
      { value: 'ada@home.example', type: 'home', primary: false },
    ],
    active: true,
    groups: [{ value: GROUP_ID, $ref: `${BASE}/Groups/${GROUP_ID}`, display: 'Engineers' }],
    [ENT]: {
      department: 'Analytical Engines',
      manager: { value: MANAGER_ID, $ref: `${BASE}/Users/${MANAGER_ID}`, displayName: 'Charles Babbage' },
    },
    [WSO2]: { emailVerified: true, accountState: 'ACTIVE', accountLocked: false },
    meta: {
      resourceType: 'User',
      created: '2024-01-02T03:04:05Z',
      lastModified: '2024-02-03T04:05:06Z',
      location: `${BASE}/Users/${USER_ID}`,
      version: 'W/"3"',
    },
  };
}

/** A Group as GET /Groups/{id} returns it. */
function engineers(): Json {
  return {
    schemas: [GROUP_SCHEMA],
    id: GROUP_ID,
    displayName: 'Engineers',
    members: [
      { value: ID_A, $ref: `${BASE}/Users/${ID_A}`, display: 'a@example.com', type: 'User' },
      { value: ID_B, $ref: `${BASE}/Users/${ID_B}`, display: 'b@example.com', type: 'User' },
    ],
    meta: { resourceType: 'Group', created: '2024-01-02T03:04:05Z', lastModified: '2024-01-02T03:04:05Z', location: `${BASE}/Groups/${GROUP_ID}` },
  };
}

const body = (...Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Applies `request` to a frozen `resource` and checks the input is left exactly as it was. */
function patch(resource: Json, request: unknown, schema: ResourceSchema = USER_RESOURCE): Json {
  const snapshot = structuredClone(resource);
  deepFreeze(resource);
  const result = applyPatch(resource, request, schema);
  expect(resource).toEqual(snapshot);
  expect(result).not.toBe(resource);
  return result;
}

function failure(resource: Json, request: unknown, schema: ResourceSchema = USER_RESOURCE): ScimError {
  const snapshot = structuredClone(resource);
  deepFreeze(resource);
  let error: unknown;
  try {
    applyPatch(resource, request, schema);
  } catch (e) {
    error = e;
  }
  expect(resource).toEqual(snapshot);
  expect(error).toBeInstanceOf(ScimError);
  return error as ScimError;
}

function expectFailure(resource: Json, request: unknown, scimType: ScimType, detail?: RegExp, schema: ResourceSchema = USER_RESOURCE): ScimError {
  const error = failure(resource, request, schema);
  expect(error.status).toBe(400);
  expect(error.scimType).toBe(scimType);
  if (detail) expect(error.message).toMatch(detail);
  expect(error.toJSON()).toMatchObject({ status: '400', scimType });
  return error;
}

const memberIds = (group: Json) => (group.members as Json[] | undefined)?.map((m) => m.value);

describe('the request envelope', () => {
  it.each([
    ['null', null],
    ['an array', [{ op: 'add' }]],
    ['a string', 'replace active'],
  ])('refuses %s as the body with invalidSyntax', (_, request) => {
    expectFailure(ada(), request, 'invalidSyntax', /JSON object/);
  });

  it('requires the PatchOp schema', () => {
    const op = { op: 'replace', path: 'active', value: false };
    expectFailure(ada(), { Operations: [op] }, 'invalidSyntax', /PatchOp/);
    expectFailure(ada(), { schemas: [USER_SCHEMA], Operations: [op] }, 'invalidSyntax', /PatchOp/);
    expectFailure(ada(), { schemas: PATCH_OP_SCHEMA, Operations: [op] }, 'invalidSyntax', /PatchOp/);
  });

  it('requires Operations to be a non-empty array of at most 1000 operations', () => {
    expectFailure(ada(), { schemas: [PATCH_OP_SCHEMA] }, 'invalidSyntax', /"Operations" must be an array/);
    expectFailure(ada(), { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } }, 'invalidSyntax', /must be an array/);
    expectFailure(ada(), body(), 'invalidSyntax', /at least one/);
    const toggle = { op: 'replace', path: 'active', value: false };
    expectFailure(ada(), body(...Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => toggle)), 'invalidSyntax', /at most 1000.*1001/);
    expect(patch(ada(), body(...Array.from({ length: MAX_PATCH_OPERATIONS }, () => toggle))).active).toBe(false);
  });

  it('requires each operation to be an object with a known op, in any letter case', () => {
    expectFailure(ada(), body('replace'), 'invalidSyntax', /Operations\[0\] must be an object/);
    expectFailure(ada(), body({ path: 'active', value: false }), 'invalidSyntax', /Operations\[0\] has no "op"/);
    expectFailure(ada(), body({ op: 'replace', path: 'active', value: false }, { op: 'move', path: 'active' }), 'invalidSyntax', /Operations\[1\].*"move"/);
    expectFailure(ada(), body({ op: 3, path: 'active' }), 'invalidSyntax', /"op" must be/);
    const result = patch(ada(), body({ op: 'Replace', path: 'active', value: false }, { op: 'ADD', path: 'displayName', value: 'Ada' }, { op: 'Remove', path: 'externalId' }));
    expect(result).toMatchObject({ active: false, displayName: 'Ada' });
    expect(result).not.toHaveProperty('externalId');
  });

  it('reads the envelope keys in any letter case (Microsoft Graph sends "operations")', () => {
    const result = patch(ada(), { Schemas: [PATCH_OP_SCHEMA.toUpperCase()], operations: [{ OP: 'replace', Path: 'active', Value: false }] });
    expect(result.active).toBe(false);
  });

  it('requires a value for add and replace, and a path for remove (noTarget)', () => {
    expectFailure(ada(), body({ op: 'add', path: 'displayName' }), 'invalidValue', /add needs a "value"/);
    expectFailure(ada(), body({ op: 'replace', path: 'displayName' }), 'invalidValue', /replace needs a "value"/);
    expectFailure(ada(), body({ op: 'remove' }), 'noTarget', /remove needs a "path"/);
    expectFailure(ada(), body({ op: 'remove', path: '  ' }), 'noTarget');
    expectFailure(ada(), body({ op: 'remove', value: { displayName: 'x' } }), 'noTarget');
  });

  it('requires the path to be a string', () => {
    expectFailure(ada(), body({ op: 'replace', path: 7, value: false }), 'invalidPath', /"path" must be a string/);
  });

  it('parsePatchRequest returns the normalized operations', () => {
    expect(parsePatchRequest(body({ op: 'Replace', path: 'active', value: 'False' }, { op: 'Remove', path: 'members', value: [{ value: ID_A }] }, { op: 'add', path: null, value: { a: 1 } }))).toEqual([
      { op: 'replace', path: 'active', value: 'False' },
      { op: 'remove', path: 'members', value: [{ value: ID_A }] },
      { op: 'add', value: { a: 1 } },
    ]);
  });

  it('names the failing operation in the detail', () => {
    const error = expectFailure(ada(), body({ op: 'replace', path: 'active', value: false }, { op: 'replace', path: 'favouriteColour', value: 'Ada' }), 'invalidPath');
    expect(error.message).toMatch(/^Operations\[1\] \(replace favouriteColour\): "favouriteColour" is not an attribute of the User resource/);
  });
});

describe('Microsoft Entra ID requests', () => {
  it('deprovisions with a string boolean (legacy) and a real boolean (aadOptscim062020)', () => {
    const off = patch(ada(), body({ op: 'Replace', path: 'active', value: 'False' }));
    expect(off.active).toBe(false);
    expect(patch(off, body({ op: 'Replace', path: 'active', value: 'True' })).active).toBe(true);
    expect(patch(ada(), body({ op: 'replace', path: 'active', value: false })).active).toBe(false);
    expect(patch(ada(), body({ op: 'replace', path: `${WSO2}:accountLocked`, value: 'TRUE' }))[WSO2]).toMatchObject({ accountLocked: true });
  });

  it('updates attributes one operation each (legacy)', () => {
    const result = patch(
      ada(),
      body(
        { op: 'Replace', path: 'displayName', value: 'Ada King' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'ada.king@example.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Augusta Ada' },
        { op: 'Replace', path: 'name.familyName', value: 'King' },
        { op: 'Replace', path: 'externalId', value: 'ada-00u2' },
        { op: 'Replace', path: `${ENT}:department`, value: 'Mathematics' },
        { op: 'Add', path: `${ENT}:employeeNumber`, value: '1815' },
      ),
    );
    expect(result).toMatchObject({
      displayName: 'Ada King',
      externalId: 'ada-00u2',
      name: { formatted: 'Ada Lovelace', givenName: 'Augusta Ada', familyName: 'King' },
      emails: [
        { value: 'ada.king@example.com', type: 'work', primary: true },
        { value: 'ada@home.example', type: 'home', primary: false },
      ],
      [ENT]: { department: 'Mathematics', employeeNumber: '1815' },
    });
  });

  it('updates attributes with one path-less value map (aadOptscim062020)', () => {
    const result = patch(
      ada(),
      body(
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'ada.king@example.com' },
        {
          op: 'replace',
          value: { displayName: 'Ada King', 'name.givenName': 'Augusta Ada', 'name.familyName': 'King', [`${ENT}:employeeNumber`]: '1815' },
        },
      ),
    );
    expect(result.displayName).toBe('Ada King');
    expect(result.name).toEqual({ formatted: 'Ada Lovelace', familyName: 'King', givenName: 'Augusta Ada' });
    expect((result.emails as Json[])[0]).toEqual({ value: 'ada.king@example.com', type: 'work', primary: true });
    expect(result[ENT]).toEqual({ ...(ada()[ENT] as Json), employeeNumber: '1815' });
  });

  it('re-sends an unchanged userName, which is immutable', () => {
    expect(patch(ada(), body({ op: 'Replace', path: 'userName', value: 'ADA@example.com' })).userName).toBe('ada@example.com');
    expectFailure(ada(), body({ op: 'Replace', path: 'userName', value: 'augusta@example.com' }), 'mutability', /userName is immutable/);
  });

  it('sets the manager with a bare id and clears it with remove', () => {
    const fresh = ada();
    delete fresh[ENT];
    fresh.schemas = [USER_SCHEMA, WSO2];
    const withManager = patch(fresh, body({ op: 'Add', path: `${ENT}:manager`, value: MANAGER_ID }));
    expect(withManager[ENT]).toEqual({ manager: { value: MANAGER_ID } });
    expect(withManager.schemas).toEqual([USER_SCHEMA, WSO2, ENT]);
    // The read-only manager.displayName goes with the manager.
    const cleared = patch(ada(), body({ op: 'Remove', path: `${ENT}:manager` }));
    expect(cleared[ENT]).toEqual({ department: 'Analytical Engines' });
    const replaced = patch(ada(), body({ op: 'replace', path: `${ENT}:manager`, value: { value: ID_A } }));
    expect((replaced[ENT] as Json).manager).toEqual({ value: ID_A, $ref: `${BASE}/Users/${MANAGER_ID}`, displayName: 'Charles Babbage' });
  });

  it('adds group members, with "$ref": null as Entra sends them', () => {
    const group = engineers();
    group.members = [];
    const result = patch(group, body({ op: 'Add', path: 'members', value: [{ value: ID_A }, { $ref: null, value: ID_B }] }), GROUP_RESOURCE);
    expect(result.members).toEqual([{ value: ID_A }, { value: ID_B }]);
  });

  it('removes a member with a value list (legacy) or a filter (aadOptscim062020)', () => {
    const legacy = patch(engineers(), body({ op: 'Remove', path: 'members', value: [{ value: ID_A }] }), GROUP_RESOURCE);
    expect(memberIds(legacy)).toEqual([ID_B]);
    const compliant = patch(engineers(), body({ op: 'remove', path: `members[value eq "${ID_A}"]` }), GROUP_RESOURCE);
    expect(memberIds(compliant)).toEqual([ID_B]);
    expect(compliant).toEqual(legacy);
  });
});

describe('Okta requests', () => {
  it('deactivates and reactivates with a path-less replace', () => {
    const off = patch(ada(), body({ op: 'replace', value: { active: false } }));
    expect(off.active).toBe(false);
    expect(patch(off, body({ op: 'replace', value: { active: true } })).active).toBe(true);
  });

  it('renames a group with its unchanged id in the value', () => {
    const result = patch(engineers(), body({ op: 'replace', value: { id: GROUP_ID, displayName: 'Difference Engineers' } }), GROUP_RESOURCE);
    expect(result).toMatchObject({ id: GROUP_ID, displayName: 'Difference Engineers' });
    expectFailure(engineers(), body({ op: 'replace', value: { id: 'another-id', displayName: 'X' } }), 'mutability', /id is read-only/, GROUP_RESOURCE);
  });

  it('adds members with display names (read-only, ignored) and removes one by filter', () => {
    const added = patch(engineers(), body({ op: 'add', path: 'members', value: [{ value: MANAGER_ID, display: 'charles@example.com' }] }), GROUP_RESOURCE);
    expect((added.members as Json[])[2]).toEqual({ value: MANAGER_ID });
    const removed = patch(added, body({ op: 'remove', path: `members[value eq "${ID_B}"]` }), GROUP_RESOURCE);
    expect(memberIds(removed)).toEqual([ID_A, MANAGER_ID]);
  });
});

describe('add', () => {
  it('without a path takes attribute names in any case, dotted paths, extension objects and qualified names', () => {
    const result = patch(
      ada(),
      body({
        op: 'add',
        value: {
          DISPLAYNAME: 'Countess of Lovelace',
          'Name.GivenName': 'Augusta',
          [ENT.toLowerCase()]: { EmployeeNumber: '1815', costCenter: 'CC-1' },
          [`${ENT}:division`]: 'Research',
          [`${USER_SCHEMA}:externalId`]: 'ada-00u9',
        },
      }),
    );
    expect(result.displayName).toBe('Countess of Lovelace');
    expect(result).not.toHaveProperty('DISPLAYNAME');
    expect(result.name).toEqual({ formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Augusta' });
    expect(result.externalId).toBe('ada-00u9');
    expect(result[ENT]).toMatchObject({ department: 'Analytical Engines', employeeNumber: '1815', costCenter: 'CC-1', division: 'Research' });
  });

  it('sets a single-valued attribute, replacing its value, and adds one that had none', () => {
    const fresh = ada();
    delete fresh.displayName;
    expect(patch(fresh, body({ op: 'add', path: 'displayName', value: 'Ada' })).displayName).toBe('Ada');
    expect(patch(ada(), body({ op: 'add', path: 'displayName', value: 'Ada' })).displayName).toBe('Ada');
  });

  it('merges sub-attributes into a complex attribute', () => {
    const result = patch(ada(), body({ op: 'add', path: 'name', value: { givenName: 'Augusta Ada' } }));
    expect(result.name).toEqual({ formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Augusta Ada' });
  });

  it('appends new values to a multi-valued attribute and skips those already there', () => {
    const result = patch(
      ada(),
      body({ op: 'add', path: 'emails', value: [{ value: 'ADA@EXAMPLE.COM', type: 'other' }, { value: 'countess@example.org', type: 'other' }, { value: 'countess@example.org' }] }),
    );
    expect(result.emails).toEqual([...(ada().emails as Json[]), { value: 'countess@example.org', type: 'other' }]);
    expect(patch(ada(), body({ op: 'add', path: 'emails', value: { value: 'one@example.org' } })).emails).toHaveLength(3);
  });

  it('compares member ids exactly: a differently cased id is another member', () => {
    const result = patch(engineers(), body({ op: 'add', path: 'members', value: [{ value: ID_A }, { value: ID_A.toUpperCase() }] }), GROUP_RESOURCE);
    expect(memberIds(result)).toEqual([ID_A, ID_B, ID_A.toUpperCase()]);
  });

  it('sets a sub-attribute of the values a filter selects, and creates the value an eq filter describes when none match', () => {
    const result = patch(ada(), body({ op: 'add', path: 'emails[type eq "home"].value', value: 'lovelace@home.example' }));
    expect((result.emails as Json[])[1]).toEqual({ value: 'lovelace@home.example', type: 'home', primary: false });
    expect((patch(ada(), body({ op: 'add', path: 'emails[type eq "other"].value', value: 'x@example.org' })).emails as Json[]).at(-1)).toEqual({ type: 'other', value: 'x@example.org' });
    expect((patch(ada(), body({ op: 'Add', path: 'emails[type eq "other"]', value: { value: 'x@example.org' } })).emails as Json[]).at(-1)).toEqual({ type: 'other', value: 'x@example.org' });
    // Only a filter of eqs describes a value; anything else that matches nothing is noTarget.
    expectFailure(ada(), body({ op: 'add', path: 'emails[type co "oth"].value', value: 'x@example.org' }), 'noTarget', /no value of emails matches/);
    expectFailure(ada(), body({ op: 'add', path: 'emails[type eq "other" or type eq "x"].value', value: 'x@example.org' }), 'noTarget');
  });

  it('merges an object into the values a filter selects', () => {
    const result = patch(ada(), body({ op: 'add', path: 'emails[value eq "ada@home.example"]', value: { type: 'other' } }));
    expect((result.emails as Json[])[1]).toEqual({ value: 'ada@home.example', type: 'other', primary: false });
  });
});

describe('replace', () => {
  it('treats an attribute without a value as an add', () => {
    const fresh = ada();
    delete fresh.externalId;
    expect(patch(fresh, body({ op: 'replace', path: 'externalId', value: 'ada-00u1' })).externalId).toBe('ada-00u1');
    const group = engineers();
    delete group.members;
    expect(memberIds(patch(group, body({ op: 'replace', path: 'members', value: [{ value: ID_A }] }), GROUP_RESOURCE))).toEqual([ID_A]);
  });

  it('replaces the whole list of a multi-valued attribute', () => {
    const result = patch(engineers(), body({ op: 'replace', path: 'members', value: [{ value: MANAGER_ID }, { value: ID_B }, { value: MANAGER_ID }] }), GROUP_RESOURCE);
    expect(result.members).toEqual([{ value: MANAGER_ID }, { value: ID_B }]);
    const emptied = patch(engineers(), body({ op: 'replace', path: 'members', value: [] }), GROUP_RESOURCE);
    expect(emptied).not.toHaveProperty('members');
    expect(patch(engineers(), body({ op: 'replace', value: { members: [{ value: ID_A }] } }), GROUP_RESOURCE).members).toEqual([{ value: ID_A }]);
  });

  it('replaces given sub-attributes of a complex attribute and leaves the others', () => {
    const result = patch(ada(), body({ op: 'replace', path: 'name', value: { familyName: 'King' } }));
    expect(result.name).toEqual({ formatted: 'Ada Lovelace', familyName: 'King', givenName: 'Ada' });
  });

  it('replaces the sub-attribute of every value a filter selects', () => {
    const result = patch(ada(), body({ op: 'replace', path: 'emails[type eq "work" or type eq "home"].type', value: 'other' }));
    expect((result.emails as Json[]).map((e) => e.type)).toEqual(['other', 'other']);
  });

  it('replaces whole values a filter selects, keeping their read-only sub-attributes', () => {
    const result = patch(ada(), body({ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'lovelace@home.example', type: 'home' } }));
    expect((result.emails as Json[])[1]).toEqual({ value: 'lovelace@home.example', type: 'home' });
    const group = patch(engineers(), body({ op: 'replace', path: `members[value eq "${ID_A}"]`, value: { value: ID_A, display: 'renamed' } }), GROUP_RESOURCE);
    expect((group.members as Json[])[0]).toEqual({ value: ID_A, $ref: `${BASE}/Users/${ID_A}`, display: 'a@example.com', type: 'User' });
  });

  it('fails with noTarget when the filter matches no value (RFC 7644 section 3.5.2.3)', () => {
    expectFailure(ada(), body({ op: 'replace', path: 'emails[type sw "oth"].value', value: 'x@example.org' }), 'noTarget');
    expectFailure(engineers(), body({ op: 'replace', path: 'members[value eq "nobody"]', value: { value: 'nobody' } }), 'noTarget', undefined, GROUP_RESOURCE);
  });

  it('addresses a sub-attribute of every value when a multi-valued path has no filter', () => {
    const result = patch(ada(), body({ op: 'replace', path: 'emails.type', value: 'work' }));
    expect((result.emails as Json[]).map((e) => e.type)).toEqual(['work', 'work']);
    const none = ada();
    delete none.emails;
    expectFailure(none, body({ op: 'replace', path: 'emails.type', value: 'work' }), 'noTarget');
  });

  it('unassigns an attribute given null', () => {
    const result = patch(ada(), body({ op: 'replace', path: 'displayName', value: null }, { op: 'replace', value: { 'name.givenName': null, [`${ENT}:manager`]: null } }));
    expect(result).not.toHaveProperty('displayName');
    expect(result.name).toEqual({ formatted: 'Ada Lovelace', familyName: 'Lovelace' });
    expect(result[ENT]).toEqual({ department: 'Analytical Engines' });
  });

  it('accepts a password, leaving it in the result for the caller to hash', () => {
    expect(patch(ada(), body({ op: 'replace', path: 'password', value: 'correct horse battery staple' })).password).toBe('correct horse battery staple');
    expect(patch(ada(), body({ op: 'replace', value: { password: 'Tr0ub4dor&3' } })).password).toBe('Tr0ub4dor&3');
  });
});

describe('remove', () => {
  it('removes an attribute, and a sub-attribute', () => {
    const result = patch(ada(), body({ op: 'remove', path: 'displayName' }, { op: 'remove', path: 'name.givenName' }, { op: 'remove', path: `${ENT}:department` }));
    expect(result).not.toHaveProperty('displayName');
    expect(result.name).toEqual({ formatted: 'Ada Lovelace', familyName: 'Lovelace' });
    expect(result[ENT]).not.toHaveProperty('department');
  });

  it('is a no-op for an attribute without a value', () => {
    const fresh = ada();
    delete fresh.externalId;
    expect(patch(fresh, body({ op: 'remove', path: 'externalId' }))).toEqual(fresh);
    expect(patch(fresh, body({ op: 'remove', path: `${ENT}:costCenter` }))).toEqual(fresh);
    // An extension listed in schemas without attributes stays listed.
    const listed: Json = { schemas: [USER_SCHEMA, ENT], id: USER_ID, userName: 'ada@example.com' };
    expect(patch(listed, body({ op: 'remove', path: `${ENT}:department` }, { op: 'remove', path: ENT }))).toEqual(listed);
  });

  it('removes the values a filter selects, and nothing when it matches none', () => {
    const result = patch(ada(), body({ op: 'remove', path: 'emails[type eq "home"]' }));
    expect(result.emails).toEqual([{ value: 'ada@example.com', type: 'work', primary: true }]);
    // Email addresses are not caseExact, so a differently cased address names the same value.
    expect(patch(ada(), body({ op: 'remove', path: 'emails[value eq "ADA@HOME.EXAMPLE"]' })).emails).toEqual(result.emails);
    expect(patch(engineers(), body({ op: 'remove', path: 'members[value eq "not-a-member"]' }), GROUP_RESOURCE)).toEqual(engineers());
    // Member ids compare exactly: the upper-cased id names nobody.
    expect(memberIds(patch(engineers(), body({ op: 'remove', path: `members[value eq "${ID_A.toUpperCase()}"]` }), GROUP_RESOURCE))).toEqual([ID_A, ID_B]);
  });

  it('unassigns a multi-valued attribute whose last value is removed', () => {
    const removed = patch(engineers(), body({ op: 'remove', path: `members[value eq "${ID_A}"]` }, { op: 'remove', path: 'members', value: [{ value: ID_B }] }), GROUP_RESOURCE);
    expect(removed).not.toHaveProperty('members');
    expect(patch(engineers(), body({ op: 'remove', path: 'members' }), GROUP_RESOURCE)).not.toHaveProperty('members');
  });

  it('removes a sub-attribute from the values a filter selects', () => {
    const result = patch(ada(), body({ op: 'remove', path: 'emails[type eq "home"].primary' }));
    expect((result.emails as Json[])[1]).toEqual({ value: 'ada@home.example', type: 'home' });
  });

  it('removes a whole extension named by its URI, and its URI from schemas', () => {
    const result = patch(ada(), body({ op: 'remove', path: ENT }));
    expect(result).not.toHaveProperty(ENT);
    expect(result.schemas).toEqual([USER_SCHEMA, WSO2]);
    const emptied = patch(ada(), body({ op: 'remove', path: `${ENT}:department` }, { op: 'remove', path: `${ENT}:manager` }));
    expect(emptied).not.toHaveProperty(ENT);
    expect(emptied.schemas).toEqual([USER_SCHEMA, WSO2]);
  });

  it('refuses to remove a required attribute', () => {
    expectFailure(engineers(), body({ op: 'remove', path: 'displayName' }), 'mutability', /displayName is required/, GROUP_RESOURCE);
    expectFailure(engineers(), body({ op: 'replace', path: 'displayName', value: null }), 'mutability', /required/, GROUP_RESOURCE);
    expectFailure(ada(), body({ op: 'remove', path: 'userName' }), 'mutability', /userName/);
  });
});

describe('primary', () => {
  it('setting primary on an added value clears it on the others', () => {
    const result = patch(ada(), body({ op: 'add', path: 'emails', value: [{ value: 'countess@example.org', type: 'other', primary: true }] }));
    expect((result.emails as Json[]).map((e) => e.primary)).toEqual([false, false, true]);
  });

  it('setting primary through a filter clears it on the others', () => {
    const result = patch(ada(), body({ op: 'replace', path: 'emails[type eq "home"].primary', value: true }));
    expect(result.emails).toEqual([
      { value: 'ada@example.com', type: 'work', primary: false },
      { value: 'ada@home.example', type: 'home', primary: true },
    ]);
  });

  it('refuses more than one primary value in one operation', () => {
    const two = [
      { value: 'one@example.org', primary: true },
      { value: 'two@example.org', primary: true },
    ];
    expectFailure(ada(), body({ op: 'add', path: 'emails', value: two }), 'invalidValue', /only one value of emails may be primary/);
    expectFailure(ada(), body({ op: 'replace', path: 'emails', value: two }), 'invalidValue', /primary/);
    expectFailure(ada(), body({ op: 'replace', path: 'emails[type pr].primary', value: true }), 'invalidValue', /primary/);
  });
});

describe('mutability', () => {
  it('refuses to change read-only attributes, and accepts their current value resent', () => {
    expectFailure(ada(), body({ op: 'replace', path: 'id', value: 'another-id' }), 'mutability', /id is read-only/);
    expectFailure(ada(), body({ op: 'remove', path: 'id' }), 'mutability', /read-only/);
    expectFailure(ada(), body({ op: 'replace', path: 'meta.lastModified', value: '2030-01-01T00:00:00Z' }), 'mutability', /read-only/);
    expectFailure(ada(), body({ op: 'replace', value: { meta: { version: 'W/"9"' } } }), 'mutability', /meta is read-only/);
    expectFailure(ada(), body({ op: 'add', path: 'groups', value: [{ value: ID_A }] }), 'mutability', /groups is read-only/);
    expectFailure(ada(), body({ op: 'remove', path: `groups[value eq "${GROUP_ID}"]` }), 'mutability', /groups is read-only/);
    expectFailure(ada(), body({ op: 'replace', path: `${WSO2}:accountState`, value: 'LOCKED' }), 'mutability', /accountState is read-only/);
    expectFailure(ada(), body({ op: 'replace', path: 'name.formatted', value: 'Lady Lovelace' }), 'mutability', /name\.formatted is read-only/);
    expectFailure(ada(), body({ op: 'remove', path: WSO2 }), 'mutability', /accountState is read-only/);

    const resent = patch(
      ada(),
      body(
        { op: 'replace', path: 'id', value: USER_ID },
        { op: 'replace', path: 'meta.lastModified', value: '2024-02-03T05:05:06+01:00' },
        { op: 'replace', value: { groups: ada().groups, [WSO2]: { accountState: 'active' } } },
        { op: 'replace', path: 'name.formatted', value: 'ada lovelace' },
      ),
    );
    expect(resent).toEqual(ada());
  });

  it('ignores read-only sub-attributes nested in the value of a writable attribute', () => {
    const result = patch(ada(), body({ op: 'replace', path: 'name', value: { formatted: 'Lady Lovelace', givenName: 'Augusta' } }));
    expect(result.name).toEqual({ formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Augusta' });
  });

  it('adds an immutable attribute that has no value, and refuses to change one that has', () => {
    const fresh = ada();
    delete fresh.userName;
    expect(patch(fresh, body({ op: 'add', path: 'userName', value: 'ada@example.com' })).userName).toBe('ada@example.com');
    expectFailure(ada(), body({ op: 'replace', value: { userName: 'ada@example.org' } }), 'mutability', /userName is immutable/);
  });

  it("refuses to change a member's immutable value in place", () => {
    expectFailure(engineers(), body({ op: 'replace', path: `members[value eq "${ID_A}"].value`, value: MANAGER_ID }), 'mutability', /members\.value is immutable/, GROUP_RESOURCE);
    expectFailure(engineers(), body({ op: 'replace', path: `members[value eq "${ID_A}"]`, value: { value: MANAGER_ID } }), 'mutability', /immutable/, GROUP_RESOURCE);
    expectFailure(engineers(), body({ op: 'remove', path: `members[value eq "${ID_A}"].value` }), 'mutability', /immutable/, GROUP_RESOURCE);
    expectFailure(engineers(), body({ op: 'replace', path: `members[value eq "${ID_A}"].display`, value: 'x' }), 'mutability', /members\.display is read-only/, GROUP_RESOURCE);
  });

  it('lets a member without a type get one (immutable, no previous value)', () => {
    const group = engineers();
    group.members = [{ value: ID_A }];
    const result = patch(group, body({ op: 'add', path: `members[value eq "${ID_A}"].type`, value: 'User' }), GROUP_RESOURCE);
    expect(result.members).toEqual([{ value: ID_A, type: 'User' }]);
  });
});

describe('unknown attributes and wrong types', () => {
  it.each([
    ['an unknown attribute', { op: 'replace', path: 'favouriteColour', value: 'Ada' }, /"favouriteColour" is not an attribute/],
    ['an unknown sub-attribute', { op: 'replace', path: 'name.nickName', value: 'King' }, /"nickName" is not a sub-attribute of name/],
    ['a sub-attribute of a simple attribute', { op: 'replace', path: 'displayName.value', value: 'x' }, /displayName/],
    ['an extension attribute without its URI', { op: 'replace', path: 'department', value: 'x' }, /"department" is not an attribute/],
    ['an unknown schema URI', { op: 'replace', path: 'urn:example:params:scim:schemas:Custom:tier', value: 'gold' }, /not a schema of this resource/],
    ['an attribute of another extension under a URI', { op: 'replace', path: `${ENT}:accountLocked`, value: true }, /"accountLocked" is not an attribute of urn:ietf/],
    ['a malformed path', { op: 'replace', path: 'emails[type eq "work"', value: 'x' }, /missing '\]'/],
    ['a value filter on a single-valued attribute', { op: 'replace', path: 'name[givenName eq "Ada"]', value: {} }, /single-valued/],
    ['a filter on an unknown sub-attribute', { op: 'remove', path: 'emails[kind eq "work"]' }, /"kind", which is not a sub-attribute of emails/],
    ['an unknown key in a path-less value', { op: 'add', value: { displayName: 'Ada', favouriteColour: 'Ada' } }, /"favouriteColour" is not an attribute/],
    ['an unknown key in an extension object', { op: 'add', value: { [ENT]: { department: 'x', tier: 'gold' } } }, /"tier" is not an attribute of urn:ietf/],
    ['an unknown sub-attribute in a value', { op: 'add', path: 'emails', value: [{ value: 'x@example.org', label: 'x' }] }, /"label" is not a sub-attribute of emails/],
  ])('refuses %s with invalidPath', (_, operation, detail) => {
    expectFailure(ada(), body(operation), 'invalidPath', detail);
  });

  it.each([
    ['a string that is not a boolean', { op: 'replace', path: 'active', value: 'yes' }, /active must be true or false/],
    ['a number for a boolean', { op: 'replace', path: 'active', value: 0 }, /true or false/],
    ['an object for a string', { op: 'replace', path: 'displayName', value: { text: 'Ada' } }, /displayName must be a string/],
    ['a number for a string', { op: 'replace', path: 'externalId', value: 42 }, /must be a string/],
    ['a string for a complex attribute', { op: 'replace', path: 'name', value: 'Ada Lovelace' }, /name is complex/],
    ['a string for a value of a multi-valued attribute', { op: 'add', path: 'emails', value: ['x@example.org'] }, /emails is complex/],
    ['a null value in a list', { op: 'add', path: 'emails', value: [null] }, /cannot be null/],
    ['a value without writable sub-attributes', { op: 'add', path: 'emails', value: [{}] }, /at least one writable sub-attribute/],
    ['a wrongly typed sub-attribute', { op: 'add', path: 'emails', value: [{ value: 'x@example.org', primary: 'sometimes' }] }, /primary must be true or false/],
    ['a path-less value that is not an object', { op: 'replace', value: [{ active: false }] }, /must be an object of attributes/],
    ['an extension value that is not an object', { op: 'add', value: { [ENT]: 'Engines' } }, /must be an object of its attributes/],
    ['schemas with an unknown URI', { op: 'replace', value: { schemas: [USER_SCHEMA, 'urn:example:other'] } }, /"schemas" must be an array/],
  ])('refuses %s with invalidValue', (_, operation, detail) => {
    expectFailure(ada(), body(operation), 'invalidValue', detail);
  });

  it('accepts the current schemas resent, and refuses to remove them', () => {
    expect(patch(ada(), body({ op: 'replace', value: { schemas: [USER_SCHEMA, ENT, WSO2], active: false } })).schemas).toEqual([USER_SCHEMA, ENT, WSO2]);
    expectFailure(ada(), body({ op: 'remove', path: 'schemas' }), 'mutability');
  });
});

describe('operations in sequence', () => {
  it('applies operations in order, each to the result of the one before', () => {
    const result = patch(
      engineers(),
      body(
        { op: 'remove', path: 'members' },
        { op: 'add', path: 'members', value: [{ value: ID_B }] },
        { op: 'replace', path: 'displayName', value: 'Analysts' },
        { op: 'add', path: 'members', value: [{ value: ID_A }] },
      ),
      GROUP_RESOURCE,
    );
    expect(result).toMatchObject({ displayName: 'Analysts', members: [{ value: ID_B }, { value: ID_A }] });
  });

  it('is atomic: a failing operation leaves nothing applied and the input untouched', () => {
    const error = expectFailure(
      engineers(),
      body({ op: 'replace', path: 'displayName', value: 'Analysts' }, { op: 'add', path: 'members', value: [{ value: ID_A }] }, { op: 'replace', path: 'members[value eq "nobody"].type', value: 'User' }),
      'noTarget',
      undefined,
      GROUP_RESOURCE,
    );
    expect(error.message).toMatch(/^Operations\[2\]/);
  });

  it('adds an extension URI to schemas when its first attribute is added', () => {
    const plain: Json = { schemas: [USER_SCHEMA], id: USER_ID, userName: 'ada@example.com' };
    const result = patch(plain, body({ op: 'add', value: { [`${WSO2}:accountLocked`]: 'False', [ENT]: { department: 'Engines' } } }));
    expect(result).toEqual({
      schemas: [USER_SCHEMA, WSO2, ENT],
      id: USER_ID,
      userName: 'ada@example.com',
      [WSO2]: { accountLocked: false },
      [ENT]: { department: 'Engines' },
    });
  });
});
