// Browser applications may call the token, userinfo, SCIM and management endpoints from other
// origins than their redirect URIs' (issue 11): each application lists them, as a JSON array
// of exact origins like the URI columns.

import { type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('allowed_origins', 'text', (c) => c.notNull().defaultTo('[]')).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
