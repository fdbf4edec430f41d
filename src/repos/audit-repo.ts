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
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
