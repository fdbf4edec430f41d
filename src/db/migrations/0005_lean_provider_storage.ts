// The provider's storage is the hottest table: every token is an insert. On PostgreSQL, make
// each insert cheaper: no foreign-key lookup of the organization (payloads are always written
// by that organization's own provider, and an organization's removal deletes them explicitly),
// and secondary indexes that leave out the rows without a value (a client-credentials token has
// no grant, uid or account). SQLite keeps its schema: rebuilding the table buys it little.

import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';

const PARTIAL = ['grant_id', 'uid', 'account_id'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`alter table oidc_payloads drop constraint if exists oidc_payloads_org_id_fkey`.execute(db);
  await sql`drop index if exists oidc_payloads_grant_idx`.execute(db);
  await sql`drop index if exists oidc_payloads_uid_idx`.execute(db);
  await sql`drop index if exists oidc_payloads_account_idx`.execute(db);
  await sql`drop index if exists oidc_payloads_client_idx`.execute(db);
  for (const column of PARTIAL) {
    const columns = column === 'account_id' ? sql`org_id, account_id` : sql.ref(column);
    await sql`create index ${sql.ref(`oidc_payloads_${column.replace('_id', '')}_idx`)} on oidc_payloads (${columns}) where ${sql.ref(column)} is not null`.execute(db);
  }
  await sql`create index oidc_payloads_client_idx on oidc_payloads (org_id, client_id) where client_id is not null`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
