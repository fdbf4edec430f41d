// Builds a SCIM ListResponse for index or cursor paging from one page of rows.

import type { ListQuery } from '../../scim/list-query.ts';
import { encodeCursor, LIST_RESPONSE_SCHEMA } from '../../scim/list-query.ts';

export interface Page<Row> {
  rows: Row[];
  total: number;
}

/**
 * The total that one page's rows already prove, or undefined when only a count can tell. A page
 * that is not full ends the result: on index paging the total is the rows skipped plus the rows
 * returned (unless the page is empty past the start, which says nothing of what was skipped); on
 * a cursor traversal's first page, the rows returned.
 */
function totalFromPage(query: ListQuery<string>, window: ReturnType<typeof pageWindow>, returned: number): number | undefined {
  const { paging } = query;
  if (paging.kind === 'index') {
    if (window.limit === 0 || returned >= window.limit) return undefined;
    return returned > 0 || window.offset === 0 ? window.offset + returned : undefined;
  }
  // limit is count + 1 in cursor mode: count + 1 rows mean a further page.
  return paging.after === undefined && returned <= paging.count ? returned : undefined;
}

/**
 * One page and its total. A cursor's carried total needs no count; otherwise the page runs
 * first, and the count (which runs the filter a second time) only when the page is full. A
 * filtered search that fits on one page, the common case of `userName eq`, costs one statement.
 */
export async function pageAndTotal<Row>(query: ListQuery<string>, list: (window: ReturnType<typeof pageWindow>) => Promise<Row[]>, count: () => Promise<number>): Promise<Page<Row>> {
  const window = pageWindow(query);
  if (query.paging.kind === 'cursor' && query.paging.total !== undefined) return { rows: await list(window), total: query.paging.total };
  const rows = window.limit > 0 ? await list(window) : [];
  return { rows, total: totalFromPage(query, window, rows.length) ?? (await count()) };
}

/**
 * The database query for a page: `limit` is one more than asked in cursor mode, so a further
 * page is known to exist without another query.
 */
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
