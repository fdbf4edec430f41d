import type { Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, Database } from '../db/schema.ts';
import { toDate } from '../db/values.ts';
import { newId } from '../lib/ids.ts';

export interface AuditEvent {
  id: string;
  orgId: string | null;
  occurredAt: Date;
  actorType: AuditEventsTable['actor_type'];
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  clientIp: string | null;
}

/** Filters of the audit log; every one optional, all of them within one organization. */
export interface AuditQuery {
  /** An exact action, or with `actionPrefix` the start of one ("user." for every user event). */
  action?: string;
  actionPrefix?: boolean;
  actorId?: string;
  targetId?: string;
  /** occurredAt >= from */
  from?: Date;
  /** occurredAt < to */
  to?: Date;
  /** The last event of the previous page: this page starts strictly after it. */
  after?: { occurredAt: Date; id: string };
  limit: number;
}

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'before' | 'after' | 'targetType' | 'targetId' | 'requestId' | 'clientIp' | 'actorId'> &
  Partial<Pick<AuditEvent, 'before' | 'after' | 'targetType' | 'targetId' | 'requestId' | 'clientIp' | 'actorId'>>;

function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    orgId: row.org_id,
    occurredAt: toDate(row.occurred_at),
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    before: row.before_json === null ? null : JSON.parse(row.before_json),
    after: row.after_json === null ? null : JSON.parse(row.after_json),
    requestId: row.request_id,
    clientIp: row.client_ip,
  };
}

export function createAuditRepo(db: Kysely<Database>) {
  return {
    async record(event: NewAuditEvent): Promise<void> {
      await db
        .insertInto('audit_events')
        .values({
          id: newId(),
          org_id: event.orgId,
          occurred_at: event.occurredAt,
          actor_type: event.actorType,
          actor_id: event.actorId ?? null,
          action: event.action,
          target_type: event.targetType ?? null,
          target_id: event.targetId ?? null,
          before_json: event.before === undefined ? null : JSON.stringify(event.before),
          after_json: event.after === undefined ? null : JSON.stringify(event.after),
          request_id: event.requestId ?? null,
          client_ip: event.clientIp ?? null,
        })
        .execute();
    },

    /** Newest first. */
    async listForOrganization(orgId: string, limit = 50): Promise<AuditEvent[]> {
      const rows = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('occurred_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toAuditEvent);
    },

    /**
     * One page of an organization's events, newest first. Paging is by keyset on
     * (occurred_at, id), the audit_events_org_time_idx index's order after org_id, so a late
     * page costs what the first one does.
     */
    async search(orgId: string, query: AuditQuery): Promise<AuditEvent[]> {
      let select = db.selectFrom('audit_events').selectAll().where('org_id', '=', orgId);
      if (query.action !== undefined) {
        // substr rather than LIKE: no wildcard characters to escape, and case-sensitive on both engines.
        select = query.actionPrefix
          ? select.where((eb) => eb(eb.fn('substr', ['action', eb.val(1), eb.val(query.action!.length)]), '=', query.action!))
          : select.where('action', '=', query.action);
      }
      if (query.actorId !== undefined) select = select.where('actor_id', '=', query.actorId);
      if (query.targetId !== undefined) select = select.where('target_id', '=', query.targetId);
      if (query.from) select = select.where('occurred_at', '>=', query.from);
      if (query.to) select = select.where('occurred_at', '<', query.to);
      if (query.after) {
        const { occurredAt, id } = query.after;
        // The plain bound lets either planner start its index range there; the row comparison
        // then skips the ties already shown.
        select = select.where('occurred_at', '<=', occurredAt).where((eb) => eb(eb.refTuple('occurred_at', 'id'), '<', eb.tuple(occurredAt, id)));
      }
      const rows = await select.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(toAuditEvent);
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
