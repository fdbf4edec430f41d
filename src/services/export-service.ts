// Exports: every user a list filter selects, and every audit event a filter selects, read and
// yielded in keyset pages. A page is one short statement resuming after the last row of the one before, so
// a million rows stream with the memory of one page, each page costs what the first did, and no
// transaction or cursor stays open while a slow client downloads. Rows written during an export
// may or may not appear (each page sees the database as it is then), but no row that exists
// throughout is skipped or repeated, because the traversal is ordered by a unique key.

import type { FilterNode } from '../scim/filter/ast.ts';
import type { Repos } from '../repos/index.ts';
import type { AuditEvent, AuditQuery } from '../repos/audit-repo.ts';
import type { UserListQuery } from '../repos/user-repo.ts';
import type { UserService, UserView } from './user-service.ts';
import type { Clock } from '../lib/clock.ts';
import { userSortPosition } from './user-sort-position.ts';
import { auditFields, type RequestContext } from './request-context.ts';

/** Rows per statement: large enough that round trips do not dominate, small enough to stream. */
export const EXPORT_PAGE_SIZE = 500;

export interface UserExportQuery {
  /** A parsed SCIM filter, as the list takes it. */
  filter?: FilterNode;
  sort: UserListQuery['sort'];
}

export type AuditExportQuery = Omit<AuditQuery, 'after' | 'limit'>;

/** What the audit trail keeps of an export: the filter as the caller wrote it, and the format. */
export interface ExportSummary {
  filter?: string;
  format: string;
}

export function createExportService(deps: { repos: Repos; users: UserService; clock: Clock }, pageSize = EXPORT_PAGE_SIZE) {
  // Who took a copy of the organization's data is recorded before the first row leaves.
  const audit = (orgId: string, action: string, ctx: RequestContext, summary: ExportSummary) =>
    deps.repos.audit.record({ ...auditFields(ctx), orgId, occurredAt: deps.clock.now(), action, after: summary });

  async function* users(orgId: string, query: UserExportQuery): AsyncGenerator<UserView[]> {
    let after: UserListQuery['after'];
    for (;;) {
      const page = await deps.users.listUsers(orgId, { filter: query.filter, sort: query.sort, after, limit: pageSize });
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = userSortPosition(page[page.length - 1].user, query.sort.column);
    }
  }

  async function* auditEvents(orgId: string, query: AuditExportQuery): AsyncGenerator<AuditEvent[]> {
    let after: AuditQuery['after'];
    for (;;) {
      const page = await deps.repos.audit.search(orgId, { ...query, after, limit: pageSize });
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      after = { occurredAt: last.occurredAt, id: last.id };
    }
  }

  return {
    async users(orgId: string, query: UserExportQuery, ctx: RequestContext, summary: ExportSummary): Promise<AsyncGenerator<UserView[]>> {
      await audit(orgId, 'users.exported', ctx, summary);
      return users(orgId, query);
    },

    async auditEvents(orgId: string, query: AuditExportQuery, ctx: RequestContext, summary: ExportSummary): Promise<AsyncGenerator<AuditEvent[]>> {
      await audit(orgId, 'audit.exported', ctx, summary);
      return auditEvents(orgId, query);
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
