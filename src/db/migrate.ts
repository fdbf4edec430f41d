// Migrations are ordered modules listed here (not discovered on disk), so the order is
// reviewed in code and the same list runs on both engines, at start-up and from the CLI.

import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';
import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import * as initial from './migrations/0001_initial.ts';
import * as scimUsers from './migrations/0002_scim_users.ts';
import * as applicationAccess from './migrations/0003_application_access.ts';
import * as onboarding from './migrations/0004_onboarding.ts';
import * as leanProviderStorage from './migrations/0005_lean_provider_storage.ts';
import * as givenNameSearch from './migrations/0006_given_name_search.ts';
import * as applicationAllowedOrigins from './migrations/0007_application_allowed_origins.ts';
import * as outboxHandOver from './migrations/0008_outbox_hand_over.ts';
import * as userProfile from './migrations/0009_user_profile.ts';
import * as idempotencyKeys from './migrations/0010_idempotency_keys.ts';
import * as sessionDevices from './migrations/0011_session_devices.ts';
import * as userCounts from './migrations/0016_user_counts.ts';
import * as jobs from './migrations/0017_jobs.ts';

const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_scim_users': scimUsers,
  '0003_application_access': applicationAccess,
  '0004_onboarding': onboarding,
  '0005_lean_provider_storage': leanProviderStorage,
  '0006_given_name_search': givenNameSearch,
  '0007_application_allowed_origins': applicationAllowedOrigins,
  '0008_outbox_hand_over': outboxHandOver,
  '0009_user_profile': userProfile,
  '0010_idempotency_keys': idempotencyKeys,
  '0011_session_devices': sessionDevices,
  '0016_user_counts': userCounts,
  '0017_jobs': jobs,
};

/**
 * `schema` names the PostgreSQL schema that holds Kysely's bookkeeping tables when it is not
 * the default one (tests give each file its own schema).
 */
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<MigrationResultSet> {
  // Kysely looks for its tables in every schema unless told which one; name the connection's
  // own, so another schema's bookkeeping on the same server is never mistaken for ours.
  if (schema === undefined && isPostgres(db)) {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    schema = rows[0]?.schema;
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema: schema });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
