// The few places where the two engines need different SQL (column types in migrations,
// error codes) ask this module which engine a Kysely instance talks to.

import { PostgresAdapter, type Kysely } from 'kysely';

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Column types that exist under different names in the two engines. */
export function columnTypes(db: Kysely<any>) {
  const pg = isPostgres(db);
  return {
    timestamp: pg ? 'timestamptz' : 'text',
    boolean: pg ? 'boolean' : 'integer',
  } as const;
}
