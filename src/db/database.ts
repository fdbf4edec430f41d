// Opens the one Kysely instance the server uses: PostgreSQL when a URL is given, otherwise the
// embedded SQLite file (or an in-memory database for tests).

import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { openSqlite } from './sqlite-adapter.ts';
import type { Database } from './schema.ts';

// PostgreSQL returns bigint (count(*)) as text by default; every count here fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  /** A postgres:// URL. */
  databaseUrl?: string;
  /** Directory for the SQLite file when no databaseUrl is given; ':memory:' for a throwaway one. */
  dataDir?: string;
  /** PostgreSQL schema to use instead of the default (tests give each file its own). */
  schema?: string;
  poolSize?: number;
}

export function createDatabase(options: DatabaseOptions): Db {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const dataDir = options.dataDir ?? ':memory:';
  let location = ':memory:';
  if (dataDir !== ':memory:') {
    fs.mkdirSync(dataDir, { recursive: true });
    location = path.join(dataDir, 'tessera.sqlite');
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(location) }) });
}
