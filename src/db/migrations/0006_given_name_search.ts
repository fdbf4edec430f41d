// The Console's Users search is `userName co "x" or name.givenName co "x" or name.familyName co
// "x"`. An `or` can use indexes only if every branch has one: without a trigram index on the
// given name, PostgreSQL scanned every user (2.6 s for a page at a million users; 9 ms with it).
// Like 0002's trigram indexes, it exists where pg_trgm does.

import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  const { rows } = await sql<{ present: boolean }>`select exists (select 1 from pg_extension where extname = 'pg_trgm') as present`.execute(db);
  if (!rows[0]?.present) return;
  await sql`create index if not exists users_given_name_trgm_idx on users using gin (lower(given_name) public.gin_trgm_ops)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
