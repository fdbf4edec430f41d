// Which users may use which application: an application may be limited to members of named
// groups (restricted with no group left means nobody), and each organization has built-in
// applications (the Console, My Account). Provider artifacts record their client, so deleting
// an application can revoke everything issued to it.

import { type Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('applications').addColumn('access_restricted', t.boolean, (c) => c.notNull().defaultTo(false)).execute();
  await db.schema.alterTable('applications').addColumn('built_in', 'text').execute();
  await db.schema.alterTable('applications').addColumn('description', 'text').execute();
  await db.schema.createIndex('applications_org_built_in_key').on('applications').columns(['org_id', 'built_in']).unique().execute();

  await db.schema
    .createTable('application_groups')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('application_groups_pkey', ['application_id', 'group_id'])
    .execute();
  await db.schema.createIndex('application_groups_group_idx').on('application_groups').column('group_id').execute();

  await db.schema.alterTable('oidc_payloads').addColumn('client_id', 'text').execute();
  await db.schema.createIndex('oidc_payloads_client_idx').on('oidc_payloads').columns(['org_id', 'client_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
