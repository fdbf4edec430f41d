// The database's tables as Kysely sees them. Timestamps come back as Date from PostgreSQL and
// as ISO-8601 text from SQLite, booleans as boolean or 0/1; repos map rows through `values.ts`.

import type { ColumnType } from 'kysely';
import type { OnboardingTables } from './onboarding-schema.ts';

export type Timestamp = ColumnType<Date | string, Date, Date>;
export type NullableTimestamp = ColumnType<Date | string | null, Date | null | undefined, Date | null>;
export type Bool = ColumnType<boolean | number, boolean, boolean>;

export interface OrganizationsTable {
  id: string;
  handle: string;
  display_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: string;
  org_id: string;
  /** The canonical (trimmed, lower-cased) email; unique per organization; never changes. */
  user_name: string;
  given_name: string | null;
  family_name: string | null;
  user_type: 'customer' | 'administrator';
  admin_role: 'owner' | 'admin' | null;
  account_state: 'pending' | 'active' | 'locked' | 'disabled';
  email_verified: Bool;
  created_at: Timestamp;
  modified_at: Timestamp;
  version: number;
  /** The provisioning client's id for the user (SCIM externalId). */
  external_id: string | null;
  display_name: string | null;
  /** SCIM enterprise extension attributes, as JSON. */
  enterprise_json: string | null;
  /** SCIM core profile attributes (nickName, title, phoneNumbers, addresses, ...), as JSON. */
  profile_json: string | null;
}

export interface UserEmailsTable {
  user_id: string;
  org_id: string;
  /** Canonical (lower-case) address; the primary one equals the user's user_name. */
  value: string;
  type: string | null;
  is_primary: Bool;
}

export interface GroupsTable {
  id: string;
  org_id: string;
  display_name: string;
  /** Lower-cased display name: the unique key, so "Gold" and "gold" cannot both exist. */
  name_key: string;
  created_at: Timestamp;
  modified_at: Timestamp;
  version: number;
  external_id: string | null;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  org_id: string;
  added_at: Timestamp;
}

export interface PasswordCredentialsTable {
  user_id: string;
  org_id: string;
  password_hash: string;
  is_temporary: Bool;
  expires_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface AuditEventsTable {
  id: string;
  org_id: string | null;
  occurred_at: Timestamp;
  actor_type: 'user' | 'application' | 'system' | 'anonymous';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before_json: string | null;
  after_json: string | null;
  request_id: string | null;
  client_ip: string | null;
}

export interface ApplicationsTable {
  /** Also the OAuth client_id. */
  id: string;
  org_id: string;
  name: string;
  app_type: 'spa' | 'web' | 'm2m';
  /** SHA-256 of the client secret; the secret itself is shown once and never stored. */
  client_secret_hash: string | null;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  /** JSON array of origins (scheme://host[:port]) allowed for CORS besides the redirect URIs'. */
  allowed_origins: ColumnType<string, string | undefined, string>;
  scopes: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Only members of the groups in application_groups may use it (none left: nobody). */
  access_restricted: Bool;
  /** 'console' or 'myaccount' for the organization's own applications; null otherwise. */
  built_in: 'console' | 'myaccount' | null;
  description: string | null;
}

export interface ApplicationGroupsTable {
  application_id: string;
  group_id: string;
  org_id: string;
}

export interface OidcPayloadsTable {
  org_id: string;
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: NullableTimestamp;
  consumed_at: NullableTimestamp;
  account_id: string | null;
  client_id: string | null;
  /** Sessions only (migration 0011): where the session was last used from, and when. */
  user_agent: string | null;
  client_address: string | null;
  last_seen_at: NullableTimestamp;
}

export interface SigningKeysTable {
  kid: string;
  org_id: string;
  algorithm: string;
  private_jwk: string;
  created_at: Timestamp;
}

export interface OrganizationSecretsTable {
  org_id: string;
  /** JSON array of keys that sign the OIDC provider's cookies; the first signs, all verify. */
  cookie_keys: string;
}

export interface OneTimeLinksTable {
  id: string;
  org_id: string | null;
  user_id: string | null;
  purpose: 'first_run' | 'set_password' | 'verify_email' | 'reset_password' | 'change_temporary_password';
  token_hash: string;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface IdempotencyKeysTable {
  org_id: string;
  /** `{principal kind}:{principal id} {METHOD} {path}`. */
  scope: string;
  /** SHA-256 (hex) of the Idempotency-Key; the key itself is never stored. */
  key_hash: string;
  /** SHA-256 (hex) of the request body's canonical JSON. */
  fingerprint: string;
  state: 'running' | 'done';
  lease_token: string | null;
  locked_until: NullableTimestamp;
  response_status: number | null;
  /** JSON object of the replayed headers (location, etag, content-type). */
  response_headers: string | null;
  /** The answer's body, encrypted under a key derived from the Idempotency-Key (base64url). */
  response_body: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** Maintained by triggers on `users` (migration 0016): never written by code. */
export interface UserCountsTable {
  org_id: string;
  user_type: UsersTable['user_type'];
  /** bigint: pg answers it as a string. */
  user_count: number | string;
}

export type JobKind = 'import' | 'bulk_action';
export type JobState = 'preparing' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobsTable {
  id: string;
  org_id: string;
  kind: JobKind;
  actor_type: string;
  actor_id: string | null;
  /** JSON of the kind's parameters. */
  params: string;
  state: JobState;
  total_rows: number;
  processed_rows: number;
  /** JSON object: outcome -> number of rows. */
  outcomes: string;
  error: string | null;
  lease_token: string | null;
  locked_until: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: NullableTimestamp;
}

export interface JobRowsTable {
  job_id: string;
  row_number: number;
  /** JSON of the row as read, without its password hash. */
  input: string;
  /** An imported password hash (stored form), until the row is decided. */
  imported_hash: string | null;
  outcome: string | null;
  detail: string | null;
  user_id: string | null;
}

export interface Database extends OnboardingTables {
  organizations: OrganizationsTable;
  users: UsersTable;
  user_emails: UserEmailsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  password_credentials: PasswordCredentialsTable;
  audit_events: AuditEventsTable;
  applications: ApplicationsTable;
  application_groups: ApplicationGroupsTable;
  oidc_payloads: OidcPayloadsTable;
  signing_keys: SigningKeysTable;
  organization_secrets: OrganizationSecretsTable;
  one_time_links: OneTimeLinksTable;
  idempotency_keys: IdempotencyKeysTable;
  user_counts: UserCountsTable;
  jobs: JobsTable;
  job_rows: JobRowsTable;
}
