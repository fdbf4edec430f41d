// Bulk actions on users (src/routes/api/bulk-actions.ts): the users by id (the rows ticked) or by
// the list's filter (every user it matches), done on the server in the background.

import { config } from '../config.ts';
import { apiRequest } from './http.ts';
import type { JobProgress } from './jobs.ts';

export type BulkAction = 'add_to_group' | 'remove_from_group' | 'resend_invitation' | 'lock' | 'unlock' | 'delete';

/** Outcomes: done, unchanged, refused, not_found. */
export interface BulkActionJob extends JobProgress {
  action: BulkAction;
  groupId: string | null;
}

export type BulkTarget = { userIds: string[] } | { filter: string; expectedCount: number };

const base = `${config.apiBase}/server/v1/users/bulk-actions`;

export const bulkActionsApi = {
  start: (action: BulkAction, target: BulkTarget, groupId?: string) => apiRequest<BulkActionJob>(base, { body: { action, ...target, ...(groupId && { groupId }) } }),
  get: (id: string) => apiRequest<BulkActionJob>(`${base}/${encodeURIComponent(id)}`),
};
