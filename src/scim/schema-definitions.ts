// The SCIM schemas this server implements (RFC 7643 sections 4, 7 and 8.7.1, plus the hosted
// service's `urn:scim:wso2:schema` extension). The /Schemas endpoint publishes these, the
// PATCH applier and the filter translator consult them, so they must tell the truth.

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'binary' | 'complex';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const WSO2_USER_SCHEMA = 'urn:scim:wso2:schema';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

function attr(name: string, description: string, overrides: Partial<AttributeDefinition> = {}): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...overrides,
  };
}

function multiValued(name: string, description: string, value: AttributeDefinition | string, types: string[]): AttributeDefinition {
  return attr(name, description, {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      typeof value === 'string' ? attr('value', value) : value,
      attr('display', 'A label for the value, for display only'),
      attr('type', 'The kind of value', types.length > 0 ? { canonicalValues: types } : {}),
      attr('primary', 'Whether this is the preferred value; at most one is', { type: 'boolean' }),
    ],
  });
}

/**
 * Core User attributes (RFC 7643 section 4.1) that are stored as given, together in the user's
 * profile, and returned as stored: nothing in Tessera derives anything from them.
 */
export const PROFILE_ATTRIBUTES: AttributeDefinition[] = [
  attr('nickName', 'The casual name of the user'),
  attr('profileUrl', "The URL of the user's online profile", { type: 'reference', referenceTypes: ['external'] }),
  attr('title', "The user's title, such as Vice President"),
  attr('preferredLanguage', "The user's preferred written or spoken languages, as in the HTTP Accept-Language header, such as en-US"),
  attr('locale', "The user's default location for localisation, such as en-US"),
  attr('timezone', "The user's time zone in the IANA database format, such as Europe/Berlin"),
  multiValued('phoneNumbers', "The user's phone numbers", 'The phone number', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  multiValued('ims', "The user's instant messaging addresses", 'The instant messaging address', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
  multiValued('photos', "URLs of the user's photos", 'The URL of the photo', ['photo', 'thumbnail']),
  // RFC 7643 gives entitlements, roles and certificates no canonical types: any label is kept.
  multiValued('entitlements', "The user's entitlements", 'The entitlement', []),
  multiValued('roles', "The user's roles, as the provisioning client names them; Tessera grants nothing for them", 'The role', []),
  multiValued(
    'x509Certificates',
    "The user's X.509 certificates",
    // Binary values are base64 (RFC 4648 section 4) of the DER certificate, compared exactly.
    attr('value', 'The DER-encoded certificate, base64-encoded', { type: 'binary', caseExact: true }),
    [],
  ),
  attr('addresses', "The user's physical mailing addresses", {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('formatted', 'The full address, formatted for display'),
      attr('streetAddress', 'The street address'),
      attr('locality', 'The city or locality'),
      attr('region', 'The state or region'),
      attr('postalCode', 'The postal code'),
      attr('country', 'The country, as an ISO 3166-1 alpha-2 code'),
      attr('type', 'The kind of address', { canonicalValues: ['work', 'home', 'other'] }),
      attr('primary', 'Whether this is the preferred address; at most one is', { type: 'boolean' }),
    ],
  }),
];

/** The sub-attributes of `name` that are stored in the profile (given and family names have columns). */
export const PROFILE_NAME_PARTS = ['middleName', 'honorificPrefix', 'honorificSuffix'] as const;

export const userSchema: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'A customer or administrator of the organization',
  attributes: [
    attr('userName', "The user's email address, canonicalised to lower case; unique in the organization and unchangeable once created", {
      required: true,
      mutability: 'immutable',
      returned: 'always',
      uniqueness: 'server',
    }),
    attr('name', "The user's name", {
      type: 'complex',
      subAttributes: [
        attr('formatted', 'The full name, derived from the given and family names', { mutability: 'readOnly' }),
        attr('familyName', 'The family (last) name'),
        attr('givenName', 'The given (first) name'),
        attr('middleName', 'The middle name(s)'),
        attr('honorificPrefix', 'The honorific prefix or title, such as Ms.'),
        attr('honorificSuffix', 'The honorific suffix, such as III'),
      ],
    }),
    attr('displayName', 'The name shown for the user; derived from the given and family names when not set'),
    ...PROFILE_ATTRIBUTES,
    attr('emails', "The user's email addresses; the primary one is the userName", {
      type: 'complex',
      multiValued: true,
      subAttributes: [
        attr('value', 'The email address'),
        attr('type', 'The kind of address', { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'Whether this is the primary address (the userName)', { type: 'boolean' }),
      ],
    }),
    attr('userType', 'Customer, or Administrator (an owner or administrator of the organization, managed through the management API)', {
      mutability: 'readOnly',
      canonicalValues: ['Customer', 'Administrator'],
    }),
    attr('active', 'False when the account is disabled', { type: 'boolean' }),
    attr('password', 'The password; write-only and never returned', { mutability: 'writeOnly', returned: 'never', caseExact: true }),
    attr('groups', 'The groups the user belongs to; change them through the Groups endpoint', {
      type: 'complex',
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attr('value', 'The group id', { mutability: 'readOnly', caseExact: true }),
        attr('$ref', 'The URI of the group', { type: 'reference', referenceTypes: ['Group'], mutability: 'readOnly' }),
        attr('display', 'The group name', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

export const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise user attributes (RFC 7643 section 4.3)',
  attributes: [
    attr('employeeNumber', 'Employee number'),
    attr('costCenter', 'Cost center'),
    attr('organization', 'Organization'),
    attr('division', 'Division'),
    attr('department', 'Department'),
    attr('manager', "The user's manager: a user of the same organization, by id", {
      type: 'complex',
      subAttributes: [
        attr('value', "The manager's id", { caseExact: true }),
        attr('$ref', "The URI of the manager's user, derived from the value", { type: 'reference', referenceTypes: ['User'], mutability: 'readOnly' }),
        attr('displayName', "The manager's display name, read from the manager's user", { mutability: 'readOnly' }),
      ],
    }),
  ],
};

export const wso2UserSchema: SchemaDefinition = {
  id: WSO2_USER_SCHEMA,
  name: 'WSO2 user extension',
  description: "The hosted service's account attributes",
  attributes: [
    attr('askPassword', 'On create: invite the user by email to set their own password instead of giving one', {
      type: 'boolean',
      mutability: 'writeOnly',
      returned: 'never',
    }),
    attr('forcePasswordReset', 'With a password: make it temporary, to be changed at the first sign-in, whoever sets it and whatever the organization setting; without it an application’s password is permanent', {
      type: 'boolean',
      mutability: 'writeOnly',
      returned: 'never',
    }),
    attr('emailVerified', 'Whether the user proved they receive mail at their userName', { type: 'boolean' }),
    attr('accountState', 'PENDING (invited, no password yet), ACTIVE, LOCKED or DISABLED', {
      mutability: 'readOnly',
      canonicalValues: ['PENDING', 'ACTIVE', 'LOCKED', 'DISABLED'],
    }),
    attr('accountLocked', 'Whether the account is locked; set it to lock or unlock', { type: 'boolean' }),
    attr('temporaryPassword', 'Whether the password is a temporary one an administrator set, which the user must change at the first sign-in', {
      type: 'boolean',
      mutability: 'readOnly',
    }),
  ],
};

export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'A group of users; applications may be restricted to the members of groups',
  attributes: [
    attr('displayName', 'The group name, unique in the organization (letter case ignored)', { required: true, uniqueness: 'server' }),
    attr('members', 'The users in the group', {
      type: 'complex',
      multiValued: true,
      subAttributes: [
        attr('value', 'The user id', { mutability: 'immutable', caseExact: true }),
        attr('$ref', 'The URI of the user', { type: 'reference', referenceTypes: ['User'], mutability: 'immutable' }),
        attr('display', "The user's userName", { mutability: 'readOnly' }),
        attr('type', 'Always User', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
    }),
  ],
};

/** Attributes every resource has (RFC 7643 section 3.1). */
export const commonAttributes: AttributeDefinition[] = [
  attr('id', 'Unique identifier assigned by the server', { mutability: 'readOnly', returned: 'always', uniqueness: 'server', caseExact: true }),
  attr('externalId', "The provisioning client's identifier for the resource", { caseExact: true }),
  attr('meta', 'Resource metadata', {
    type: 'complex',
    mutability: 'readOnly',
    subAttributes: [
      attr('resourceType', 'User or Group', { mutability: 'readOnly', caseExact: true }),
      attr('created', 'When the resource was created', { type: 'dateTime', mutability: 'readOnly' }),
      attr('lastModified', 'When the resource last changed', { type: 'dateTime', mutability: 'readOnly' }),
      attr('location', 'The URI of the resource', { type: 'reference', referenceTypes: ['uri'], mutability: 'readOnly', caseExact: true }),
      attr('version', 'The weak ETag of the current version', { mutability: 'readOnly', caseExact: true }),
    ],
  }),
];

export interface ResourceSchema {
  core: SchemaDefinition;
  extensions: SchemaDefinition[];
}

export const USER_RESOURCE: ResourceSchema = { core: userSchema, extensions: [enterpriseUserSchema, wso2UserSchema] };
export const GROUP_RESOURCE: ResourceSchema = { core: groupSchema, extensions: [] };
