// A fresh, migrated database for one test file: in-memory SQLite by default, or a schema of
// its own in the PostgreSQL that DATABASE_URL names, so files run in parallel in isolation.

import crypto from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Db } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createStatementLog, type StatementLog } from './statement-log.ts';

export interface TestDatabase {
  db: Db;
  engine: 'sqlite' | 'postgresql';
  /** Connection settings a second process (the CLI, a spawned server) can use. */
  env: Record<string, string>;
  /** A pool of its own onto the same schema, as another instance would have; none on SQLite (one connection). */
  anotherPool(poolSize?: number): Db | undefined;
  /** Every statement `db` executes while recording (see statement-log.ts). */
  statements: StatementLog;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const databaseUrl = process.env.DATABASE_URL;
  const statements = createStatementLog();
  if (!databaseUrl) {
    const db = createDatabase({ dataDir: ':memory:', log: statements.listener });
    if (options.migrate !== false) await migrateToLatest(db);
    return { db, engine: 'sqlite', env: {}, anotherPool: () => undefined, statements, drop: () => db.destroy() };
  }
  const schema = `test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = createDatabase({ databaseUrl, schema, poolSize: 5, log: statements.listener });
  if (options.migrate !== false) await migrateToLatest(db, schema);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    db,
    engine: 'postgresql',
    env: { DATABASE_URL: url.href },
    statements,
    anotherPool: (poolSize = 4) => createDatabase({ databaseUrl, schema, poolSize }),
    async drop() {
      await db.destroy();
      const cleanup = new pg.Client({ connectionString: databaseUrl });
      await cleanup.connect();
      await cleanup.query(`drop schema ${schema} cascade`);
      await cleanup.end();
    },
  };
}
