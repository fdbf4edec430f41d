// Which SQL stands behind each filterable SCIM attribute of Users and Groups.

import { sql, type SqlBool } from 'kysely';
import type { CompareValue } from '../../scim/filter/ast.ts';
import type { ColumnTarget, FilterSchema } from './to-sql.ts';
import { ALWAYS_FALSE, ALWAYS_TRUE } from './to-sql.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, WSO2_USER_SCHEMA } from '../../scim/schema-definitions.ts';
import { invalidFilter } from '../../scim/errors.ts';
import { profileFilterTargets } from './profile-targets.ts';
import { temporaryPasswordFlag } from '../credential-repo.ts';
import type { SqlEngine } from './json-sql.ts';

const col = (name: string, type: ColumnTarget['type'] = 'string', extra: Partial<ColumnTarget> = {}): ColumnTarget => ({
  kind: 'column',
  column: sql.ref(name),
  type,
  ...extra,
});

const resourceType = (name: string) => ({
  kind: 'computed' as const,
  type: 'string' as const,
  compare: (op: string, value: CompareValue) => {
    if (op !== 'eq' && op !== 'ne') throw invalidFilter('meta.resourceType supports eq and ne');
    const equal = typeof value === 'string' && value.toLowerCase() === name.toLowerCase();
    return (op === 'eq') === equal ? ALWAYS_TRUE : ALWAYS_FALSE;
  },
  present: () => ALWAYS_TRUE,
});

const ACCOUNT_STATES = new Set(['pending', 'active', 'locked', 'disabled']);
const USER_TYPES = new Set(['customer', 'administrator']);

// displayName as a user resource shows it (user-resource.ts): the stored one, else the given and
// family names joined. The user repository sorts by the same expression.
const SHOWN_DISPLAY_NAME = sql`coalesce(users.display_name, nullif(trim(coalesce(users.given_name, '') || ' ' || coalesce(users.family_name, '')), ''))`;
const wso2 = WSO2_USER_SCHEMA.toLowerCase();
const enterprise = ENTERPRISE_USER_SCHEMA.toLowerCase();

const userColumnTargets: FilterSchema['targets'] = {
  id: col('users.id', 'string', { caseExact: true }),
  externalid: col('users.external_id', 'string', { caseExact: true }),
  username: col('users.user_name', 'string', { storedLowerCase: true }),
  displayname: { kind: 'column', column: SHOWN_DISPLAY_NAME, type: 'string' },
  'name.familyname': col('users.family_name'),
  'name.givenname': col('users.given_name'),
  usertype: col('users.user_type', 'string', {
    storedLowerCase: true,
    mapValue: (value) => {
      if (typeof value === 'string' && !USER_TYPES.has(value.toLowerCase())) throw invalidFilter('userType is Customer or Administrator');
      return value;
    },
  }),
  active: {
    kind: 'computed',
    type: 'boolean',
    compare: (op, value) => {
      const wantActive = (op === 'eq') === (value === true);
      return wantActive ? sql<SqlBool>`users.account_state <> 'disabled'` : sql<SqlBool>`users.account_state = 'disabled'`;
    },
    present: () => ALWAYS_TRUE,
  },
  emails: {
    kind: 'multi',
    exists: (condition) => sql<SqlBool>`exists (select 1 from user_emails where user_emails.user_id = users.id and ${condition})`,
    defaultSubAttribute: 'value',
    subAttributes: {
      value: col('user_emails.value', 'string', { storedLowerCase: true }),
      type: col('user_emails.type'),
      primary: col('user_emails.is_primary', 'boolean'),
    },
  },
  groups: {
    kind: 'multi',
    exists: (condition) =>
      sql<SqlBool>`exists (select 1 from group_members join groups on groups.id = group_members.group_id where group_members.user_id = users.id and ${condition})`,
    defaultSubAttribute: 'value',
    subAttributes: {
      value: col('groups.id', 'string', { caseExact: true }),
      display: col('groups.display_name'),
    },
  },
  'meta.created': col('users.created_at', 'dateTime'),
  'meta.lastmodified': col('users.modified_at', 'dateTime'),
  'meta.resourcetype': resourceType('User'),
  [`${wso2}:emailverified`]: col('users.email_verified', 'boolean'),
  [`${wso2}:accountstate`]: col('users.account_state', 'string', {
    storedLowerCase: true,
    mapValue: (value) => {
      if (typeof value === 'string' && !ACCOUNT_STATES.has(value.toLowerCase())) {
        throw invalidFilter('accountState is one of PENDING, ACTIVE, LOCKED, DISABLED');
      }
      return value;
    },
  }),
  [`${wso2}:accountlocked`]: {
    kind: 'computed',
    type: 'boolean',
    compare: (op, value) =>
      (op === 'eq') === (value === true) ? sql<SqlBool>`users.account_state = 'locked'` : sql<SqlBool>`users.account_state <> 'locked'`,
    present: () => ALWAYS_TRUE,
  },
  // One primary-key probe per candidate row (the credentials table is keyed by user id); the
  // credentials repository owns the fragment, as it owns every statement on that table.
  [`${wso2}:temporarypassword`]: {
    kind: 'computed',
    type: 'boolean',
    compare: (op, value) => {
      const temporary = sql<SqlBool>`${temporaryPasswordFlag()}`;
      return (op === 'eq') === (value === true) ? temporary : sql<SqlBool>`not ${temporary}`;
    },
    present: () => ALWAYS_TRUE,
  },
};

const userSchemas = new Map<SqlEngine, FilterSchema>();

/**
 * The Users filter schema for one engine: the column-backed attributes above, and the profile
 * and enterprise attributes kept as JSON text (profile-targets.ts), whose SQL differs by engine.
 */
export function userFilterSchema(engine: SqlEngine): FilterSchema {
  let schema = userSchemas.get(engine);
  if (!schema) {
    schema = { coreUri: USER_SCHEMA, extensionUris: [wso2, enterprise], targets: { ...profileFilterTargets(engine), ...userColumnTargets } };
    userSchemas.set(engine, schema);
  }
  return schema;
}

export const groupFilterSchema: FilterSchema = {
  coreUri: GROUP_SCHEMA,
  extensionUris: [],
  targets: {
    id: col('groups.id', 'string', { caseExact: true }),
    externalid: col('groups.external_id', 'string', { caseExact: true }),
    displayname: col('groups.name_key', 'string', { storedLowerCase: true }),
    members: {
      kind: 'multi',
      exists: (condition) =>
        sql<SqlBool>`exists (select 1 from group_members join users on users.id = group_members.user_id where group_members.group_id = groups.id and ${condition})`,
      defaultSubAttribute: 'value',
      subAttributes: {
        value: col('users.id', 'string', { caseExact: true }),
        display: col('users.user_name', 'string', { storedLowerCase: true }),
      },
    },
    'meta.created': col('groups.created_at', 'dateTime'),
    'meta.lastmodified': col('groups.modified_at', 'dateTime'),
    'meta.resourcetype': resourceType('Group'),
  },
};
