// /t/{org}/api/server/v1/audit-events: the organization's audit trail, newest first, filtered
// and paged by an opaque cursor. Only this organization's events are ever read: events of other
// organizations and of the server itself (org_id null) stay out of reach.

import type { FastifyInstance } from 'fastify';
import type { System } from '../../system.ts';
import type { AuditEvent, AuditQuery } from '../../repos/audit-repo.ts';
import { AppError } from '../../errors.ts';
import { authorized } from './principal.ts';
import { API_ERROR_SCHEMA } from './error-schema.ts';

const MAX_LIMIT = 100;


const eventSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    occurredAt: { type: 'string', format: 'date-time' },
    actor: { type: 'object', properties: { type: { type: 'string', enum: ['user', 'application', 'system', 'anonymous'] }, id: { type: ['string', 'null'] } } },
    action: { type: 'string' },
    target: { type: 'object', properties: { type: { type: ['string', 'null'] }, id: { type: ['string', 'null'] } } },
    before: { description: 'The changed fields before the change (JSON), or null' },
    after: { description: 'The changed fields after the change (JSON), or null' },
    requestId: { type: ['string', 'null'] },
    clientIp: { type: ['string', 'null'] },
  },
} as const;

interface AuditQuerystring {
  action?: string;
  actorId?: string;
  targetId?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export function presentAuditEvent(event: AuditEvent) {
  return {
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    actor: { type: event.actorType, id: event.actorId },
    action: event.action,
    target: { type: event.targetType, id: event.targetId },
    before: event.before,
    after: event.after,
    requestId: event.requestId,
    clientIp: event.clientIp,
  };
}

/** The cursor is the last event's (occurredAt, id), opaque to callers. */
export function encodeCursor(event: Pick<AuditEvent, 'occurredAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([event.occurredAt.toISOString(), event.id])).toString('base64url');
}

function decodeCursor(cursor: string): { occurredAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const occurredAt = new Date(String(at));
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(occurredAt.getTime())) return { occurredAt, id };
  } catch {
    // Falls through to the error below.
  }
  throw new AppError('request.invalid', 'cursor is not one this API returned', { details: { field: 'cursor' } });
}

function instant(value: string | undefined, field: 'from' | 'to'): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = new Date(value);
  // Date.parse accepts more than ISO 8601; ask for a date at least, so "5" is not year 2005.
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new AppError('request.invalid', `${field} must be an ISO 8601 date or date and time, like 2026-01-31 or 2026-01-31T12:00:00Z`, { details: { field } });
  }
  return date;
}

function text(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export type AuditFilterQuerystring = Pick<AuditQuerystring, 'action' | 'actorId' | 'targetId' | 'from' | 'to'>;

/** The filter properties of the audit log's query string, for the list and the export alike. */
export const AUDIT_FILTER_PROPERTIES = {
  action: { type: 'string', maxLength: 200 },
  actorId: { type: 'string', maxLength: 200 },
  targetId: { type: 'string', maxLength: 200 },
  from: { type: 'string', maxLength: 64 },
  to: { type: 'string', maxLength: 64 },
} as const;

/** The filters of the query string as the repository takes them; a bad date or range is a 400 naming its field. */
export function readAuditFilters(q: AuditFilterQuerystring): Omit<AuditQuery, 'after' | 'limit'> {
  const from = instant(q.from, 'from');
  const to = instant(q.to, 'to');
  if (from && to && from >= to) throw new AppError('request.invalid', 'from must be before to', { details: { field: 'to' } });
  let action = text(q.action);
  const actionPrefix = action?.endsWith('*') ?? false;
  if (actionPrefix) action = text(action!.slice(0, -1));
  return { action, actionPrefix, actorId: text(q.actorId), targetId: text(q.targetId), from, to };
}

export async function auditRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.get<{ Querystring: AuditQuerystring }>(
    '/server/v1/audit-events',
    {
      schema: {
        tags: ['Audit'],
        summary: "List the organization's audit events, newest first",
        description:
          'Filters combine. `action` is exact, or a prefix when it ends in `*` (`user.*`). `from` is inclusive and `to` exclusive. Pass `nextCursor` back as `cursor` for the next page; it is null on the last page.',
        querystring: {
          type: 'object',
          properties: {
            ...AUDIT_FILTER_PROPERTIES,
            cursor: { type: 'string', maxLength: 500 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 50 },
          },
        },
        response: {
          200: { type: 'object', properties: { events: { type: 'array', items: eventSchema }, nextCursor: { type: ['string', 'null'] } } },
          400: API_ERROR_SCHEMA,
          401: API_ERROR_SCHEMA,
          403: API_ERROR_SCHEMA,
        },
      },
    },
    async (request) => {
      const { organization } = authorized(request, 'internal_org_audit_view');
      const q = request.query;
      const limit = q.limit ?? 50;
      const query: AuditQuery = {
        ...readAuditFilters(q),
        after: q.cursor ? decodeCursor(q.cursor) : undefined,
        // One more than asked tells whether another page exists without a count.
        limit: limit + 1,
      };
      const events = await system.repos.audit.search(organization.id, query);
      const page = events.slice(0, limit);
      return { events: page.map(presentAuditEvent), nextCursor: events.length > limit ? encodeCursor(page[page.length - 1]) : null };
    },
  );
}
