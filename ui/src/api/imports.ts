// Bulk imports (src/routes/api/imports.ts): the file is uploaded as it is, the server runs it in
// the background, and the page follows its progress and downloads the per-row results.

import { config } from '../config.ts';
import { apiDownload, apiRequest } from './http.ts';
import type { JobProgress } from './jobs.ts';

export type ImportDelivery = 'email' | 'link' | 'none';
/** Outcomes: created, invited, skipped, invalid (a dry run: would_create, would_invite). */
export interface ImportJob extends JobProgress {
  dryRun: boolean;
  delivery: ImportDelivery;
  fileName: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface ImportFile {
  body: Blob | string;
  /** text/csv or application/jsonl. */
  contentType: string;
  name: string;
}

const base = `${config.apiBase}/server/v1/imports`;


export const importsApi = {
  start: (file: ImportFile, options: { dryRun: boolean; delivery: ImportDelivery }) =>
    apiRequest<ImportJob>(`${base}?${new URLSearchParams({ dryRun: String(options.dryRun), delivery: options.delivery, fileName: file.name })}`, {
      raw: { body: file.body, contentType: file.contentType },
    }),
  get: (id: string) => apiRequest<ImportJob>(`${base}/${encodeURIComponent(id)}`),
  cancel: (id: string) => apiRequest<ImportJob>(`${base}/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
  downloadResults: (id: string) => apiDownload(`${base}/${encodeURIComponent(id)}/results?format=csv`, 'import-results.csv'),
};
