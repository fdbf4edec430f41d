// Builds a SCIM ListResponse for index or cursor paging from one page of rows.

import type { ListQuery } from '../../scim/list-query.ts';
import { encodeCursor, LIST_RESPONSE_SCHEMA } from '../../scim/list-query.ts';

export interface Page<Row> {
  rows: Row[];
  total: number;
}

/**
 * The database query for a page: `limit` is one more than asked in cursor mode, so a further
 * page is known to exist without another query.
 */
/** The total to report: counted, unless a cursor carries it from its traversal's first page. */
export async function totalOf(query: ListQuery<string>, count: () => Promise<number>): Promise<number> {
  return query.paging.kind === 'cursor' && query.paging.total !== undefined ? query.paging.total : count();
}

export function pageWindow(query: ListQuery<string>) {
  const { paging } = query;
  return paging.kind === 'index'
    ? { offset: paging.startIndex - 1, limit: paging.count, after: undefined }
    : { offset: 0, limit: paging.count + 1, after: paging.after };
}

export function listResponse<Row>(
  query: ListQuery<string>,
  page: Page<Row>,
  render: (row: Row) => Record<string, unknown>,
  position: (row: Row) => { value: string | Date | null; id: string },
) {
  const { paging } = query;
  const rows = page.rows.slice(0, paging.count);
  const more = paging.kind === 'cursor' && page.rows.length > paging.count;
  const last = rows[rows.length - 1];
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: page.total,
    itemsPerPage: rows.length,
    ...(paging.kind === 'index' && { startIndex: paging.startIndex }),
    ...(more && last && { nextCursor: encodeCursor(query.fingerprint, position(last).value, position(last).id, page.total) }),
    Resources: rows.map(render),
  };
}
