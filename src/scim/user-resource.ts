// Users as SCIM resources: the JSON a client sees, and the validated input read from the JSON
// a client sends. Unknown attributes are ignored (provisioning clients send many); attributes
// of the wrong type are refused with invalidValue.

import type { UserView, NewUserInput, ReplaceUserInput } from '../services/user-service.ts';
import type { UserEmail } from '../repos/user-repo.ts';
import { ENTERPRISE_USER_SCHEMA, PROFILE_ATTRIBUTES, PROFILE_NAME_PARTS, USER_SCHEMA, WSO2_USER_SCHEMA } from './schema-definitions.ts';
import { invalidValue, mutability, ScimError } from './errors.ts';
import { weakEtag } from './etag.ts';
import { isBase64 } from './base64.ts';

export interface ScimLocations {
  /** `{PUBLIC_URL}/t/{org}/scim2` */
  base: string;
}

const ENTERPRISE_STRINGS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department'] as const;

/**
 * `forPatch`: the resource a PATCH applies to, holding only the stored displayName. Shown to
 * clients, a user without one displays their given and family names; were that derived value
 * patched and saved back, it would freeze and stop following later changes of the names.
 */
export function toScimUser(view: UserView, locations: ScimLocations, options: { forPatch?: boolean } = {}): Record<string, unknown> {
  const { user, emails, groups } = view;
  const formatted = [user.givenName, user.familyName].filter(Boolean).join(' ');
  const profile = user.profile ?? {};
  const nameParts = isObject(profile.name) ? profile.name : {};
  const name = {
    ...(user.givenName && { givenName: user.givenName }),
    ...(user.familyName && { familyName: user.familyName }),
    ...nameParts,
    ...(formatted && { formatted }),
  };
  const profileAttributes = Object.fromEntries(Object.entries(profile).filter(([key]) => key !== 'name'));
  const stored = user.enterprise && Object.keys(user.enterprise).length > 0 ? user.enterprise : undefined;
  // The manager's $ref and displayName are derived at read time (the displayName only when the
  // manager is still a user of this organization); a PATCH applies to the stored value alone.
  const managerId = (stored?.manager as { value?: unknown } | undefined)?.value;
  const enterprise =
    stored && typeof managerId === 'string' && !options.forPatch
      ? {
          ...stored,
          manager: {
            value: managerId,
            $ref: `${locations.base}/Users/${managerId}`,
            ...(view.manager?.id === managerId && { displayName: view.manager.displayName }),
          },
        }
      : stored;
  return {
    schemas: [USER_SCHEMA, ...(enterprise ? [ENTERPRISE_USER_SCHEMA] : []), WSO2_USER_SCHEMA],
    id: user.id,
    ...(user.externalId && { externalId: user.externalId }),
    userName: user.userName,
    ...(Object.keys(name).length > 0 && { name }),
    ...((user.displayName || (formatted && !options.forPatch)) && { displayName: user.displayName || formatted }),
    ...profileAttributes,
    emails: emails.map((e) => ({ value: e.value, ...(e.type && { type: e.type }), primary: e.primary })),
    userType: user.userType === 'administrator' ? 'Administrator' : 'Customer',
    active: user.accountState !== 'disabled',
    groups: groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${locations.base}/Groups/${g.id}` })),
    ...(enterprise && { [ENTERPRISE_USER_SCHEMA]: enterprise }),
    [WSO2_USER_SCHEMA]: {
      emailVerified: user.emailVerified,
      accountState: user.accountState.toUpperCase(),
      accountLocked: user.accountState === 'locked',
      temporaryPassword: view.temporaryPassword,
    },
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.modifiedAt.toISOString(),
      location: `${locations.base}/Users/${user.id}`,
      version: weakEtag(user.version),
    },
  };
}

/** Looks a key up case-insensitively, as SCIM attribute names are. */
export function pick(object: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(value: unknown, name: string): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'string') throw invalidValue(`${name} must be a string`);
  return value;
}

/** Booleans, also as the strings "True"/"False" that Microsoft Entra ID sends. */
export function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalidValue(`${name} must be true or false`);
}

function readEmails(value: unknown): UserEmail[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidValue('emails must be an array');
  return value.map((entry, i) => {
    if (!isObject(entry)) throw invalidValue(`emails[${i}] must be an object`);
    const address = optionalString(pick(entry, 'value'), `emails[${i}].value`);
    if (!address) throw invalidValue(`emails[${i}].value is required`);
    return {
      value: address,
      type: optionalString(pick(entry, 'type'), `emails[${i}].type`) ?? null,
      primary: optionalBoolean(pick(entry, 'primary'), `emails[${i}].primary`) ?? false,
    };
  });
}

const MAX_PROFILE_TEXT = 2048;
const MAX_PROFILE_VALUES = 50;
/** Base64 of a DER certificate; 16 KiB holds a certificate with a large RSA key and many extensions. */
const MAX_PROFILE_BINARY = 16 * 1024;

function profileText(value: unknown, where: string): string | undefined {
  const text = optionalString(value, where);
  if (text === undefined || text === null || text.trim() === '') return undefined;
  if (text.length > MAX_PROFILE_TEXT) throw invalidValue(`${where} must be at most ${MAX_PROFILE_TEXT} characters`);
  return text;
}

function profileBinary(value: unknown, where: string): string | undefined {
  const text = optionalString(value, where);
  if (text === undefined || text === null || text === '') return undefined;
  if (text.length > MAX_PROFILE_BINARY) throw invalidValue(`${where} must be at most ${MAX_PROFILE_BINARY} characters of base64`);
  if (!isBase64(text)) throw invalidValue(`${where} must be base64 (RFC 4648 section 4: A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4, no line breaks)`);
  return text;
}

/**
 * The stored profile (schema-definitions PROFILE_ATTRIBUTES, and name's middleName and
 * honorifics) read from a User representation. Empty values are dropped; multi-valued ones keep
 * only their known sub-attributes, and at most one may be primary. Undefined: none given.
 */
function readProfile(body: Record<string, unknown>, name: Record<string, unknown> | undefined): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  if (name) {
    const parts: Record<string, string> = {};
    for (const part of PROFILE_NAME_PARTS) {
      const v = profileText(pick(name, part), `name.${part}`);
      if (v !== undefined) parts[part] = v;
    }
    if (Object.keys(parts).length > 0) out.name = parts;
  }
  for (const def of PROFILE_ATTRIBUTES) {
    const raw = pick(body, def.name);
    if (raw === undefined || raw === null) continue;
    if (!def.multiValued) {
      const v = profileText(raw, def.name);
      if (v !== undefined) out[def.name] = v;
      continue;
    }
    if (!Array.isArray(raw)) throw invalidValue(`${def.name} must be an array`);
    if (raw.length > MAX_PROFILE_VALUES) throw invalidValue(`${def.name} may hold at most ${MAX_PROFILE_VALUES} values`);
    const values = raw.map((entry, i) => {
      if (!isObject(entry)) throw invalidValue(`${def.name}[${i}] must be an object`);
      const value: Record<string, unknown> = {};
      for (const sub of def.subAttributes ?? []) {
        const where = `${def.name}[${i}].${sub.name}`;
        if (sub.type === 'boolean') {
          const flag = optionalBoolean(pick(entry, sub.name), where);
          if (flag !== undefined) value[sub.name] = flag;
        } else if (sub.type === 'binary') {
          const data = profileBinary(pick(entry, sub.name), where);
          if (data !== undefined) value[sub.name] = data;
        } else {
          const text = profileText(pick(entry, sub.name), where);
          if (text !== undefined) value[sub.name] = text;
        }
      }
      return value;
    }).filter((value) => Object.keys(value).some((key) => key !== 'primary' && key !== 'type'));
    if (values.filter((v) => v.primary === true).length > 1) throw invalidValue(`only one value of ${def.name} may be primary`);
    if (values.length > 0) out[def.name] = values;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function readEnterprise(value: unknown): Record<string, unknown> | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (!isObject(value)) throw invalidValue(`${ENTERPRISE_USER_SCHEMA} must be an object`);
  const out: Record<string, unknown> = {};
  for (const name of ENTERPRISE_STRINGS) {
    const v = optionalString(pick(value, name), name);
    if (v) out[name] = v;
  }
  const manager = pick(value, 'manager');
  if (manager !== undefined && manager !== null) {
    // Entra sends the manager as an object; some clients send the id alone.
    const managerObject = typeof manager === 'string' ? { value: manager } : manager;
    if (!isObject(managerObject)) throw invalidValue('manager must be an object with a value');
    const id = optionalString(pick(managerObject, 'value'), 'manager.value');
    if (id) out.manager = { value: id };
  }
  return out;
}

/**
 * `meta` is read-only, so a create may not set it. Microsoft Entra ID sends
 * `"meta": {"resourceType": "User"}` (or "Group") with every create; stating the resource's own
 * type changes nothing and is accepted, anything more is mutability.
 */
export function checkCreateMeta(meta: unknown, resourceType: 'User' | 'Group'): void {
  if (meta === undefined || meta === null) return;
  const onlyType = isObject(meta) && Object.entries(meta).every(([key, value]) => key.toLowerCase() === 'resourcetype' && value === resourceType);
  if (!onlyType) throw mutability('meta is read-only');
}

interface ReadUserOptions {
  /** On create, `id` and `meta` may not be sent; on replace, `id` must match. */
  mode: 'create' | 'replace';
  id?: string;
}

type ReadUser = Omit<NewUserInput, 'userName'> & { userName: string };

export function readScimUser(body: unknown, options: ReadUserOptions): ReadUser {
  if (!isObject(body)) throw new ScimError(400, 'The request body must be a JSON object', 'invalidSyntax');
  const id = pick(body, 'id');
  if (options.mode === 'create' && id !== undefined) throw mutability('id is assigned by the server and cannot be set');
  if (options.mode === 'replace' && id !== undefined && id !== options.id) throw mutability('id cannot be changed');
  if (options.mode === 'create') checkCreateMeta(pick(body, 'meta'), 'User');

  const userName = optionalString(pick(body, 'userName'), 'userName');
  if (!userName) throw invalidValue('userName is required');
  const name = pick(body, 'name');
  if (name !== undefined && name !== null && !isObject(name)) throw invalidValue('name must be an object');
  const wso2 = pick(body, WSO2_USER_SCHEMA);
  if (wso2 !== undefined && !isObject(wso2)) throw invalidValue(`${WSO2_USER_SCHEMA} must be an object`);
  const password = optionalString(pick(body, 'password'), 'password');

  // Tessera extension for atomic onboarding: groups named on create are joined in the same
  // transaction. On replace, `groups` is read-only (change membership through Groups).
  let groupIds: string[] | undefined;
  const groups = pick(body, 'groups');
  if (options.mode === 'create' && groups !== undefined && groups !== null) {
    if (!Array.isArray(groups)) throw invalidValue('groups must be an array');
    groupIds = groups.map((g, i) => {
      const value = isObject(g) ? pick(g, 'value') : undefined;
      if (typeof value !== 'string') throw invalidValue(`groups[${i}].value must be a group id`);
      return value;
    });
  }

  const activeFlag = optionalBoolean(pick(body, 'active'), 'active');
  return {
    userName,
    givenName: name ? (optionalString(pick(name, 'givenName'), 'name.givenName') ?? null) : null,
    familyName: name ? (optionalString(pick(name, 'familyName'), 'name.familyName') ?? null) : null,
    displayName: optionalString(pick(body, 'displayName'), 'displayName') ?? null,
    externalId: optionalString(pick(body, 'externalId'), 'externalId') ?? null,
    emails: readEmails(pick(body, 'emails')) ?? [],
    enterprise: readEnterprise(pick(body, ENTERPRISE_USER_SCHEMA)) ?? null,
    profile: readProfile(body, name ? (name as Record<string, unknown>) : undefined),
    active: activeFlag ?? true,
    locked: (wso2 && optionalBoolean(pick(wso2, 'accountLocked'), 'accountLocked')) ?? false,
    emailVerified: (wso2 && optionalBoolean(pick(wso2, 'emailVerified'), 'emailVerified')) ?? false,
    ...(password !== undefined && password !== null && { password }),
    ...(wso2 && optionalBoolean(pick(wso2, 'askPassword'), 'askPassword') && { askPassword: true }),
    ...(wso2 && optionalBoolean(pick(wso2, 'forcePasswordReset'), 'forcePasswordReset') && { forcePasswordReset: true }),
    ...(groupIds && { groupIds }),
  };
}

export function toReplaceInput(read: ReadUser): ReplaceUserInput {
  return {
    userName: read.userName,
    givenName: read.givenName ?? null,
    familyName: read.familyName ?? null,
    displayName: read.displayName ?? null,
    externalId: read.externalId ?? null,
    emails: read.emails ?? [],
    enterprise: read.enterprise ?? null,
    profile: read.profile ?? null,
    active: read.active ?? true,
    locked: read.locked ?? false,
    emailVerified: read.emailVerified ?? false,
    ...(read.password !== undefined && { password: read.password }),
    ...(read.forcePasswordReset && { forcePasswordReset: true }),
  };
}
