// What SCIM adds to users: the client's externalId, a display name, the enterprise extension,
// and all of a user's email addresses (the primary one is always the userName). Plus the
// indexes that keep filters fast at a million users on PostgreSQL.

import { sql, type Kysely } from 'kysely';
import { columnTypes, isPostgres } from '../dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('users').addColumn('external_id', 'text').execute();
  await db.schema.alterTable('users').addColumn('display_name', 'text').execute();
  await db.schema.alterTable('users').addColumn('enterprise_json', 'text').execute();
  await db.schema.createIndex('users_org_external_id_idx').on('users').columns(['org_id', 'external_id']).execute();
  await db.schema.alterTable('groups').addColumn('external_id', 'text').execute();
  // Sessions, grants and tokens name their user, so deprovisioning can end them all at once.
  await db.schema.alterTable('oidc_payloads').addColumn('account_id', 'text').execute();
  await db.schema.createIndex('oidc_payloads_account_idx').on('oidc_payloads').columns(['org_id', 'account_id']).execute();
  await db.schema.createIndex('users_org_modified_idx').on('users').columns(['org_id', 'modified_at', 'id']).execute();

  await db.schema
    .createTable('user_emails')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('type', 'text')
    .addColumn('is_primary', t.boolean, (c) => c.notNull())
    .addPrimaryKeyConstraint('user_emails_pkey', ['user_id', 'value'])
    .execute();
  await db.schema.createIndex('user_emails_org_value_idx').on('user_emails').columns(['org_id', 'value']).execute();

  // Existing users' primary addresses.
  await sql`insert into user_emails (user_id, org_id, value, type, is_primary)
            select id, org_id, user_name, 'work', ${sql.lit(isPostgres(db) ? true : 1)} from users`.execute(db);

  if (isPostgres(db)) {
    // Prefix searches (`sw`) on names use these; `co`/`ew` use trigram indexes where pg_trgm
    // can be had (it ships with PostgreSQL's contrib; creating it needs a privileged role).
    await sql`create index users_org_family_name_prefix_idx on users (org_id, lower(family_name) text_pattern_ops)`.execute(db);
    await sql`create index users_org_given_name_prefix_idx on users (org_id, lower(given_name) text_pattern_ops)`.execute(db);
    await sql`create index users_org_user_name_prefix_idx on users (org_id, user_name text_pattern_ops)`.execute(db);
    const { rows } = await sql<{ available: boolean }>`
      select exists (select 1 from pg_extension where extname = 'pg_trgm')
          or (exists (select 1 from pg_available_extensions where name = 'pg_trgm')
              and (select rolsuper from pg_roles where rolname = current_user)) as available`.execute(db);
    if (rows[0]?.available) {
      // Always in `public`, so it outlives any one schema that uses it; the lock makes
      // concurrent migrations of several schemas (tests) take turns creating it.
      await sql`select pg_advisory_xact_lock(7432001)`.execute(db);
      await sql`create extension if not exists pg_trgm with schema public`.execute(db);
      await sql`create index user_emails_value_trgm_idx on user_emails using gin (value public.gin_trgm_ops)`.execute(db);
      await sql`create index users_user_name_trgm_idx on users using gin (user_name public.gin_trgm_ops)`.execute(db);
      await sql`create index users_family_name_trgm_idx on users using gin (lower(family_name) public.gin_trgm_ops)`.execute(db);
    }
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
