// Downloads of the users list and the audit log (src/routes/api/exports.ts), with the filters the
// pages show, so that what is downloaded is what the list selects.

import { config } from '../config.ts';
import { apiDownload } from './http.ts';
import type { AuditFilters } from './audit.ts';

export type ExportFormat = 'csv' | 'jsonl';

export interface UserExportQuery {
  filter: string;
  sortBy: string;
  sortOrder: 'ascending' | 'descending';
}

function query(values: Record<string, string | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  return params;
}

export const exportsApi = {
  users: (list: UserExportQuery, format: ExportFormat) =>
    apiDownload(`${config.apiBase}/server/v1/users/export?${query({ ...list, format })}`, `users.${format}`),
  auditEvents: (filters: AuditFilters, format: ExportFormat) =>
    apiDownload(`${config.apiBase}/server/v1/audit-events/export?${query({ ...filters, format })}`, `audit.${format}`),
};
