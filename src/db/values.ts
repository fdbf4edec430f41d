// Row values differ by engine: PostgreSQL returns Date and boolean, SQLite returns ISO text
// and 0/1. Repos read every such column through these two functions.

export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toOptionalDate(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

export function toBool(value: boolean | number): boolean {
  return value === true || value === 1;
}
