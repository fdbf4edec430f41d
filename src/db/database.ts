// Opens the one Kysely instance the server uses: PostgreSQL when a URL is given, otherwise the
// embedded SQLite file (or an in-memory database for tests).

import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, type LogConfig } from 'kysely';
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
  /**
   * Told of a connection that failed outside any query (the server restarted, the network
   * dropped). Without a listener pg raises an unhandled 'error' event and the process dies.
   */
  onConnectionError?: (error: Error) => void;
  /**
   * Leave statements unbounded: for migrations, whose index builds on a large organization
   * may rightly take minutes. Request traffic always runs with POSTGRES_TIMEOUTS.
   */
  unboundedStatements?: boolean;
  /** Kysely's query log: told of every statement executed (tests count statements with it). */
  log?: LogConfig;
}

// Bounds on waiting for PostgreSQL, so a hung or unreachable server gives fast 503s instead of
// requests that hang: a connection must open within 5 s, a statement finish within 10 s (checked
// by the server), and an answer arrive within 12 s (checked here, for a server that stopped
// answering at all). A transaction left idle is ended by the server after 30 s.
export const POSTGRES_TIMEOUTS = { connectMs: 5_000, statementMs: 10_000, answerMs: 12_000, idleInTransactionMs: 30_000 };

export function createDatabase(options: DatabaseOptions): Db {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: POSTGRES_TIMEOUTS.connectMs,
      ...(options.unboundedStatements ? {} : { statement_timeout: POSTGRES_TIMEOUTS.statementMs, query_timeout: POSTGRES_TIMEOUTS.answerMs }),
      idle_in_transaction_session_timeout: POSTGRES_TIMEOUTS.idleInTransactionMs,
      keepAlive: true,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const onConnectionError = options.onConnectionError ?? ((error: Error) => console.error(`database connection error: ${error.message}`));
    // The pool reports errors of idle connections; a connection Kysely holds (between the
    // statements of a transaction) reports on the client itself, so both need a listener.
    pool.on('error', onConnectionError);
    pool.on('connect', (client) => client.on('error', onConnectionError));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: options.log });
  }
  const dataDir = options.dataDir ?? ':memory:';
  let location = ':memory:';
  if (dataDir !== ':memory:') {
    fs.mkdirSync(dataDir, { recursive: true });
    location = path.join(dataDir, 'tessera.sqlite');
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(location) }), log: options.log });
}
