// The organization's audit log (src/routes/api/audit.ts): newest first, filtered, paged by cursor.

import { config } from '../config.ts';
import { apiRequest } from './http.ts';

export interface AuditEvent {
  id: string;
  occurredAt: string;
  actor: { type: 'user' | 'application' | 'system' | 'anonymous'; id: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  before: unknown;
  after: unknown;
  requestId: string | null;
  clientIp: string | null;
}

export interface AuditFilters {
  /** Exact, or a prefix ending in `*` (`user.*`). */
  action?: string;
  actorId?: string;
  targetId?: string;
  /** ISO 8601; from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

export interface AuditPage {
  events: AuditEvent[];
  nextCursor: string | null;
}

export const auditApi = {
  list: (filters: AuditFilters, cursor?: string, limit = 50) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
    if (cursor) query.set('cursor', cursor);
    query.set('limit', String(limit));
    return apiRequest<AuditPage>(`${config.apiBase}/server/v1/audit-events?${query}`);
  },
};
