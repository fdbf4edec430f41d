// Reads an import file, CSV or JSON Lines, as a stream of rows: the file is never held whole,
// so 100,000 rows (or a million) cost the memory of one. CSV is parsed by csv-parse. The
// columns are Asgardeo's bulk-import ones, `username,givenname,familyname,groups` (groups
// separated by `|`), plus an existing password hash for a migration (`passwordhash`,
// `passwordhashscheme`, `passwordsalt`). Header names are matched without regard to case,
// spaces, `_` or `-`, so `given_name` and `Given Name` are `givenname`.
//
// What is wrong with the file as a whole (no username column, an unknown column, broken
// quoting) throws a 400 naming the line; what is wrong with one row is that row's error, and the
// rest of the file goes on.

import { Transform, type Readable } from 'node:stream';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import { AppError } from '../errors.ts';

export const IMPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Bounds on one file: at least the 100,000 rows the Console promises, with room. */
export const MAX_IMPORT_ROWS = 1_000_000;
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
const MAX_FIELD_CHARS = 1024;

export interface ImportedPasswordHash {
  scheme: string;
  hash: string;
  salt?: string;
}

/** One row as the file gave it; validated when it is run (services/import-service.ts). */
export interface ImportRecord {
  userName: string;
  givenName?: string;
  familyName?: string;
  groups: string[];
  passwordHash?: ImportedPasswordHash;
}

export type ReadRow = { rowNumber: number; record: ImportRecord } | { rowNumber: number; error: string };

const COLUMN_ALIASES: Record<string, keyof Columns> = {
  username: 'userName',
  email: 'userName',
  givenname: 'givenName',
  firstname: 'givenName',
  familyname: 'familyName',
  lastname: 'familyName',
  groups: 'groups',
  passwordhash: 'passwordHash',
  passwordhashscheme: 'passwordHashScheme',
  hashscheme: 'passwordHashScheme',
  passwordsalt: 'passwordSalt',
};

interface Columns {
  userName: string;
  givenName: string;
  familyName: string;
  groups: string;
  passwordHash: string;
  passwordHashScheme: string;
  passwordSalt: string;
}

const KNOWN_COLUMNS = 'username, givenname, familyname, groups, passwordhash, passwordhashscheme, passwordsalt';

function columnKey(name: string): keyof Columns | undefined {
  return COLUMN_ALIASES[name.toLowerCase().replace(/[\s_-]/g, '')];
}

function fileError(message: string): AppError {
  return new AppError('request.invalid', message, { details: { field: 'file' } });
}

function splitGroups(value: unknown): string[] {
  const names = Array.isArray(value) ? value.map((v) => String(v)) : typeof value === 'string' ? value.split('|') : [];
  return [...new Set(names.map((name) => name.trim()).filter((name) => name !== ''))];
}

/** A row's fields, from CSV cells or a JSON object, to the record; a string when it cannot be one. */
function toRecord(fields: Partial<Record<keyof Columns, unknown>>): ImportRecord | string {
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' && value.length > MAX_FIELD_CHARS) return `${key} is longer than ${MAX_FIELD_CHARS} characters`;
  }
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const userName = text(fields.userName);
  if (!userName) return 'username is empty';
  const hash = text(fields.passwordHash);
  const scheme = text(fields.passwordHashScheme);
  if (hash && !scheme) return 'passwordhash is given without passwordhashscheme';
  if (scheme && !hash) return 'passwordhashscheme is given without passwordhash';
  const salt = text(fields.passwordSalt);
  return {
    userName,
    givenName: text(fields.givenName),
    familyName: text(fields.familyName),
    groups: splitGroups(fields.groups),
    ...(hash && scheme && { passwordHash: { scheme, hash, ...(salt && { salt }) } }),
  };
}

/** Counts the bytes that pass, and stops the file at the bound. */
function byteBound(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(new AppError('import.too_large', `The file is larger than ${max / 1024 / 1024} MiB: split it into several imports`));
      else done(null, chunk);
    },
  });
}

async function* csvRows(body: Readable): AsyncGenerator<ReadRow> {
  const parser = body.pipe(byteBound(MAX_IMPORT_BYTES)).pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, max_record_size: 64 * 1024 }));
  body.on('error', (error) => parser.destroy(error));
  let header: Array<keyof Columns> | undefined;
  let rowNumber = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!header) {
        const unknown = cells.filter((name) => !columnKey(name));
        if (unknown.length > 0) throw fileError(`Line 1: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; the columns are ${KNOWN_COLUMNS}`);
        header = cells.map((name) => columnKey(name) as keyof Columns);
        if (!header.includes('userName')) throw fileError(`Line 1: the header has no username column; the columns are ${KNOWN_COLUMNS}`);
        if (new Set(header).size !== header.length) throw fileError('Line 1: a column appears twice in the header');
        continue;
      }
      rowNumber += 1;
      if (cells.length !== header.length) {
        yield { rowNumber, error: `The row has ${cells.length} field${cells.length === 1 ? '' : 's'}; the header has ${header.length}` };
        continue;
      }
      const fields: Partial<Record<keyof Columns, string>> = {};
      header.forEach((key, i) => (fields[key] = cells[i]));
      const record = toRecord(fields);
      yield typeof record === 'string' ? { rowNumber, error: record } : { rowNumber, record };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const e = error as { code?: string; lines?: number; message?: string };
    if (e.code?.startsWith('CSV_')) throw fileError(`Line ${e.lines ?? '?'}: the file is not valid CSV (${e.message ?? e.code})`);
    throw error;
  }
  if (!header) throw fileError('The file is empty: it needs a header line (username,givenname,familyname,groups) and a row per user');
}

async function* jsonLinesRows(body: Readable): AsyncGenerator<ReadRow> {
  const bounded = body.pipe(byteBound(MAX_IMPORT_BYTES));
  body.on('error', (error) => bounded.destroy(error));
  const lines = readline.createInterface({ input: bounded, crlfDelay: Infinity });
  let rowNumber = 0;
  for await (const raw of lines) {
    const line = rowNumber === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    rowNumber += 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      yield { rowNumber, error: 'The line is not JSON' };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { rowNumber, error: 'The line is not a JSON object' };
      continue;
    }
    const fields: Partial<Record<keyof Columns, unknown>> = {};
    const unknown: string[] = [];
    for (const [name, field] of Object.entries(value)) {
      const key = columnKey(name);
      if (key) fields[key] = field;
      else unknown.push(name);
    }
    // JSON may carry the hash as one object: {"passwordHash": {"scheme", "hash", "salt"}}.
    if (typeof fields.passwordHash === 'object' && fields.passwordHash !== null) {
      const nested = fields.passwordHash as Record<string, unknown>;
      fields.passwordHash = nested.hash;
      fields.passwordHashScheme ??= nested.scheme;
      fields.passwordSalt ??= nested.salt;
    }
    if (unknown.length > 0) {
      yield { rowNumber, error: `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; the fields are ${KNOWN_COLUMNS}` };
      continue;
    }
    const record = toRecord(fields);
    yield typeof record === 'string' ? { rowNumber, error: record } : { rowNumber, record };
  }
}

/** The rows of an import file, in order, numbered from 1 (a CSV's header is not a row). */
export async function* readImportFile(body: Readable, format: ImportFormat): AsyncGenerator<ReadRow> {
  let count = 0;
  for await (const row of format === 'csv' ? csvRows(body) : jsonLinesRows(body)) {
    count += 1;
    if (count > MAX_IMPORT_ROWS) throw new AppError('import.too_large', `The file has more than ${MAX_IMPORT_ROWS.toLocaleString('en')} rows: split it into several imports`);
    yield row;
  }
}
