// The SCIM core user attributes beyond names and addresses that provisioning clients map by
// default (RFC 7643 section 4.1: nickName, title, phoneNumbers, addresses, ...), kept together as
// one JSON text column like 0002's enterprise_json: they are read and written with the user and
// never joined on. SCIM filters on them scan the organization's rows (src/repos/scim-filter/json-sql.ts):
// no index, since provisioning clients match users by userName and externalId.

import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('profile_json', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
