// The query of a list request (GET with query parameters or POST .search with a body):
// filter, sorting, index or cursor paging (RFC 7644 section 3.4.2, RFC 9865), and projection.

import crypto from 'node:crypto';
import { ScimError, invalidValue } from './errors.ts';
import { parseAttributeList, type Projection } from './projection.ts';
import { parseFilter } from './filter/parser.ts';
import type { FilterNode } from './filter/ast.ts';

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

export interface SortOption<Column extends string> {
  column: Column;
  /** Dates are carried in cursors as ISO strings and bound back as Dates. */
  isDate?: boolean;
}

export interface ListQuery<Column extends string> {
  filter?: FilterNode;
  sort: { column: Column; direction: 'asc' | 'desc'; isDate: boolean; key: string };
  paging:
    | { kind: 'index'; startIndex: number; count: number }
    | {
        kind: 'cursor';
        after?: { value: string | Date | null; id: string };
        count: number;
        /** totalResults as counted on the traversal's first page, carried in the cursor. */
        total?: number;
      };
  projection: Projection;
  /** Identifies the filter and sort, so a cursor cannot be replayed against another query. */
  fingerprint: string;
}

function integer(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw invalidValue(`${name} must be an integer`);
  // Beyond the safe range a number would reach the database as a float (or "1e+21") and fail there.
  return Math.min(Math.max(n, -Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
}

function text(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) throw invalidValue(`${name} may be given only once`);
  if (typeof value !== 'string') throw invalidValue(`${name} must be a string`);
  return value;
}

interface CursorPayload {
  k: string;
  v: string | null;
  i: string;
  t?: number;
}

// A cursor carries the total counted on the first page of its traversal, so later pages need
// no count(*) over the whole result: every page of one traversal reports the same total, and
// a page deep in a million users costs what the first one does.
export function encodeCursor(fingerprint: string, value: string | Date | null, id: string, total?: number): string {
  const payload: CursorPayload = { k: fingerprint, v: value instanceof Date ? value.toISOString() : value, i: id, ...(total !== undefined && { t: total }) };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function decodeCursor(cursor: string, fingerprint: string, isDate: boolean): { after: { value: string | Date | null; id: string }; total?: number } {
  let payload: CursorPayload;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ScimError(400, 'The cursor is not one this server issued', 'invalidCursor');
  }
  if (typeof payload !== 'object' || payload === null || typeof payload.i !== 'string' || (payload.v !== null && typeof payload.v !== 'string')) {
    throw new ScimError(400, 'The cursor is not one this server issued', 'invalidCursor');
  }
  if (payload.k !== fingerprint) throw new ScimError(400, 'The cursor belongs to a different filter or sort order', 'invalidCursor');
  const total = Number.isInteger(payload.t) && (payload.t as number) >= 0 ? payload.t : undefined;
  if (!isDate) return { after: { value: payload.v, id: payload.i }, total };
  // The fingerprint can be computed by anyone: a forged position must not reach the database.
  const date = payload.v === null ? undefined : new Date(payload.v);
  if (!date || Number.isNaN(date.getTime())) throw new ScimError(400, 'The cursor is not one this server issued', 'invalidCursor');
  return { after: { value: date, id: payload.i }, total };
}

export function readListQuery<Column extends string>(
  source: Record<string, unknown>,
  sortOptions: Record<string, SortOption<Column>>,
  defaultSort: string,
): ListQuery<Column> {
  const get = (name: string) => {
    const lower = name.toLowerCase();
    for (const [key, value] of Object.entries(source)) if (key.toLowerCase() === lower) return value;
    return undefined;
  };
  const filterText = text(get('filter'), 'filter');
  const filter = filterText === undefined || filterText.trim() === '' ? undefined : parseFilter(filterText);

  const sortBy = text(get('sortBy'), 'sortBy');
  const sortKey = (sortBy ?? defaultSort).toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/, '');
  const sortOption = sortOptions[sortKey];
  if (!sortOption) throw invalidValue(`Cannot sort by "${sortBy}"; sortable attributes are ${Object.keys(sortOptions).join(', ')}`);
  const sortOrder = (text(get('sortOrder'), 'sortOrder') ?? 'ascending').toLowerCase();
  if (sortOrder !== 'ascending' && sortOrder !== 'descending') throw invalidValue('sortOrder must be ascending or descending');
  const direction = sortOrder === 'ascending' ? 'asc' : 'desc';

  const requested = integer(get('count'), 'count');
  const count = Math.min(Math.max(requested ?? DEFAULT_COUNT, 0), MAX_COUNT);
  const startIndex = integer(get('startIndex'), 'startIndex');
  const cursor = text(get('cursor'), 'cursor');
  const fingerprint = crypto.createHash('sha256').update(JSON.stringify([filterText ?? '', sortKey, direction])).digest('base64url').slice(0, 16);

  let paging: ListQuery<Column>['paging'];
  if (cursor !== undefined) {
    if (startIndex !== undefined) throw invalidValue('Use either startIndex or cursor, not both');
    paging = { kind: 'cursor', count, ...(cursor !== '' && decodeCursor(cursor, fingerprint, sortOption.isDate === true)) };
  } else {
    paging = { kind: 'index', startIndex: Math.max(startIndex ?? 1, 1), count };
  }

  const attributes = parseAttributeList(get('attributes'));
  const excludedAttributes = parseAttributeList(get('excludedAttributes'));
  if (attributes && excludedAttributes) throw invalidValue('Use either attributes or excludedAttributes, not both');

  return {
    filter,
    sort: { column: sortOption.column, direction, isDate: sortOption.isDate === true, key: sortKey },
    paging,
    projection: { attributes, excludedAttributes },
    fingerprint,
  };
}

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
