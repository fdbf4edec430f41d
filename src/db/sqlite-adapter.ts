// Kysely's SqliteDialect expects the better-sqlite3 statement shape. node:sqlite's
// DatabaseSync is close enough that a thin adapter bridges it, so the embedded engine needs
// no native addon. Values node:sqlite cannot bind (booleans, Dates) are converted here, once.

import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

function toSqliteValue(value: unknown): SQLInputValue {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value as SQLInputValue;
}

function bind(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map(toSqliteValue);
}

function adaptStatement(statement: StatementSync): SqliteStatement {
  return {
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...bind(parameters)),
    run: (parameters) => statement.run(...bind(parameters)),
    iterate: (parameters) => statement.iterate(...bind(parameters)),
  };
}

const NO_OP: SqliteStatement = { reader: false, all: () => [], run: () => ({ changes: 0, lastInsertRowid: 0 }), iterate: () => [][Symbol.iterator]() };

/** Opens (or creates) a SQLite database file, or `:memory:`, ready for Kysely. */
export function openSqlite(location: string): SqliteDatabase {
  const database = new DatabaseSync(location);
  // WAL lets readers proceed during a write; the busy timeout covers a second process (the CLI)
  // writing while the server runs; foreign keys are off by default in SQLite.
  if (location !== ':memory:') database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA busy_timeout = 5000');
  database.exec('PRAGMA foreign_keys = ON');
  return {
    close: () => database.close(),
    // Some errors (SQLITE_FULL among them) end the transaction inside SQLite; Kysely's ROLLBACK
    // would then fail with "no transaction is active" and hide the error that mattered.
    prepare: (sql) => (/^\s*rollback\s*$/i.test(sql) && !database.isTransaction ? NO_OP : adaptStatement(database.prepare(sql))),
  };
}
