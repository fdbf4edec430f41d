// Counts the SQL statements a test database executes, through Kysely's query log, so a test can
// pin what one request costs ("one read of the token table", "the filter runs once"). It records
// only between start() and stop(): migrations and setup are not counted.

import type { LogEvent } from 'kysely';

export interface StatementLog {
  /** Kysely's `log` option: hears every executed statement, failed ones too. */
  listener: (event: LogEvent) => void;
  /** Runs `work` and returns the SQL of every statement it executed, in order. */
  during(work: () => Promise<unknown>): Promise<string[]>;
}

export function createStatementLog(): StatementLog {
  let recording: string[] | undefined;
  return {
    listener: (event) => {
      recording?.push(event.query.sql);
    },
    async during(work) {
      if (recording) throw new Error('statement log: recordings do not nest');
      const statements: string[] = [];
      recording = statements;
      try {
        await work();
      } finally {
        recording = undefined;
      }
      return statements;
    },
  };
}

/** The statements that name `table` (quoted, as Kysely writes it on both engines). */
export function touching(statements: string[], table: string): string[] {
  return statements.filter((sql) => sql.includes(`"${table}"`));
}
