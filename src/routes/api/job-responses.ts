// What the management API answers about a background job (an import, a bulk action): its
// progress fields, the same for every kind, beside the kind's own parameters, and the download
// of its per-row results (streamed, CSV or JSON Lines, as exports are).

import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import type { Job } from '../../repos/job-repo.ts';
import { EXPORT_FORMATS, EXPORT_MEDIA_TYPES, type ExportFormat } from '../../lib/export-formats.ts';
import { API_ERROR_SCHEMA } from './error-schema.ts';

/** The JSON Schema of a job: the progress fields and the kind's own `properties`. */
export function jobSchema(own: Record<string, unknown>, outcomesDescription: string) {
  return {
    type: 'object',
    properties: {
      id: { type: 'string' },
      state: { type: 'string', enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] },
      ...own,
      totalRows: { type: 'integer' },
      processedRows: { type: 'integer' },
      outcomes: { type: 'object', additionalProperties: { type: 'integer' }, description: outcomesDescription },
      error: { type: ['string', 'null'] },
      createdBy: { type: 'object', properties: { type: { type: 'string' }, id: { type: ['string', 'null'] } } },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      finishedAt: { type: ['string', 'null'], format: 'date-time' },
    },
  } as const;
}

export const JOB_ERRORS = { 400: API_ERROR_SCHEMA, 401: API_ERROR_SCHEMA, 403: API_ERROR_SCHEMA, 404: API_ERROR_SCHEMA } as const;
export const JOB_ID_PARAMS = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;
export const RESULTS_QUERYSTRING = { type: 'object', properties: { format: { type: 'string', enum: EXPORT_FORMATS, default: 'csv' } } } as const;
export const RESULTS_RESPONSE = {
  description: 'The rows, streamed',
  content: { 'text/csv': { schema: { type: 'string' } }, 'application/jsonl': { schema: { type: 'string' } } },
} as const;

/** A job as JSON: the progress fields, then the kind's own. */
export function presentJob(job: Job, own: Record<string, unknown>) {
  return {
    id: job.id,
    state: job.state,
    ...own,
    totalRows: job.totalRows,
    processedRows: job.processedRows,
    outcomes: job.outcomes,
    error: job.error,
    createdBy: { type: job.actorType, id: job.actorId },
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

/** Sends a results download: an attachment, never cached. */
export function sendResults(reply: FastifyReply, name: string, format: ExportFormat, body: Readable) {
  return reply
    .header('content-type', EXPORT_MEDIA_TYPES[format])
    .header('content-disposition', `attachment; filename="${name}-results.${format}"`)
    .header('cache-control', 'no-store')
    .send(body);
}
