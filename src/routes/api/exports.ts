// Downloads of what the lists show: GET /t/{org}/api/server/v1/users/export (the users a SCIM
// filter selects, in the list's sort order) and GET /t/{org}/api/server/v1/audit-events/export
// (the events the audit log's filters select, newest first), as CSV or JSON Lines, streamed from
// the database page by page (services/export-service.ts) at any size.

import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { System } from '../../system.ts';
import type { AuditEvent } from '../../repos/audit-repo.ts';
import type { UserView } from '../../services/user-service.ts';
import { EXPORT_FORMATS, EXPORT_MEDIA_TYPES, exportStream, type ExportFormat, type ExportShape } from '../../lib/export-formats.ts';
import { readListQuery } from '../../scim/list-query.ts';
import { authorized } from './principal.ts';
import { API_ERROR_SCHEMA } from './error-schema.ts';
import { AUDIT_FILTER_PROPERTIES, presentAuditEvent, readAuditFilters, type AuditFilterQuerystring } from './audit.ts';
import { USER_SORT } from '../scim/users.ts';

const FORMAT_PROPERTY = { type: 'string', enum: EXPORT_FORMATS, default: 'csv', description: '`csv` (UTF-8 with a byte-order mark, formulas escaped) or `jsonl` (JSON Lines)' } as const;

const DOWNLOAD_RESPONSE = {
  description: 'The rows, streamed',
  content: { 'text/csv': { schema: { type: 'string' } }, 'application/jsonl': { schema: { type: 'string' } } },
} as const;

const ERROR_RESPONSES = { 400: API_ERROR_SCHEMA, 401: API_ERROR_SCHEMA, 403: API_ERROR_SCHEMA } as const;

const list = (values: string[]) => values.join('; ');
const primaryEmail = (view: UserView) => (view.emails.find((email) => email.primary) ?? view.emails[0])?.value ?? view.user.userName;

/** The columns a spreadsheet wants; group names and addresses are joined with "; " in one cell. */
const USER_SHAPE: ExportShape<UserView> = {
  columns: [
    { header: 'id', cell: (v) => v.user.id },
    { header: 'username', cell: (v) => v.user.userName },
    { header: 'email', cell: primaryEmail },
    { header: 'given_name', cell: (v) => v.user.givenName },
    { header: 'family_name', cell: (v) => v.user.familyName },
    { header: 'display_name', cell: (v) => v.user.displayName },
    { header: 'external_id', cell: (v) => v.user.externalId },
    { header: 'account_state', cell: (v) => v.user.accountState },
    { header: 'temporary_password', cell: (v) => v.temporaryPassword },
    { header: 'email_verified', cell: (v) => v.user.emailVerified },
    { header: 'groups', cell: (v) => list(v.groups.map((group) => group.displayName)) },
    { header: 'other_emails', cell: (v) => list(v.emails.map((email) => email.value).filter((value) => value !== primaryEmail(v))) },
    { header: 'created_at', cell: (v) => v.user.createdAt.toISOString() },
    { header: 'modified_at', cell: (v) => v.user.modifiedAt.toISOString() },
  ],
  record: (v) => ({
    id: v.user.id,
    userName: v.user.userName,
    emails: v.emails.map((email) => ({ value: email.value, type: email.type, primary: email.primary })),
    givenName: v.user.givenName,
    familyName: v.user.familyName,
    displayName: v.user.displayName ?? null,
    externalId: v.user.externalId ?? null,
    userType: v.user.userType,
    accountState: v.user.accountState,
    temporaryPassword: v.temporaryPassword,
    emailVerified: v.user.emailVerified,
    groups: v.groups.map((group) => ({ id: group.id, displayName: group.displayName })),
    createdAt: v.user.createdAt.toISOString(),
    modifiedAt: v.user.modifiedAt.toISOString(),
  }),
};

const json = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value));

const AUDIT_SHAPE: ExportShape<AuditEvent> = {
  columns: [
    { header: 'id', cell: (e) => e.id },
    { header: 'occurred_at', cell: (e) => e.occurredAt.toISOString() },
    { header: 'action', cell: (e) => e.action },
    { header: 'actor_type', cell: (e) => e.actorType },
    { header: 'actor_id', cell: (e) => e.actorId },
    { header: 'target_type', cell: (e) => e.targetType },
    { header: 'target_id', cell: (e) => e.targetId },
    { header: 'before', cell: (e) => json(e.before) },
    { header: 'after', cell: (e) => json(e.after) },
    { header: 'request_id', cell: (e) => e.requestId },
    { header: 'client_ip', cell: (e) => e.clientIp },
  ],
  record: presentAuditEvent,
};

async function sendDownload(reply: FastifyReply, name: string, format: ExportFormat, body: Promise<Readable>) {
  const stream = await body;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return reply
    .header('content-type', EXPORT_MEDIA_TYPES[format])
    .header('content-disposition', `attachment; filename="${name}-${stamp}.${format}"`)
    .header('cache-control', 'no-store')
    .send(stream);
}

interface UserExportQuerystring {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  format?: ExportFormat;
}

export async function exportRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.get<{ Querystring: UserExportQuerystring }>(
    '/server/v1/users/export',
    {
      schema: {
        tags: ['Users'],
        summary: 'Download the users a filter selects, as CSV or JSON Lines',
        description:
          '`filter`, `sortBy` and `sortOrder` are those of SCIM `GET /scim2/Users` (the Console passes its list\'s own). Every matching user is included, however many: the body is streamed as it is read.',
        querystring: {
          type: 'object',
          properties: {
            filter: { type: 'string', maxLength: 4000 },
            sortBy: { type: 'string', maxLength: 200 },
            sortOrder: { type: 'string', enum: ['ascending', 'descending'] },
            format: FORMAT_PROPERTY,
          },
        },
        response: { 200: DOWNLOAD_RESPONSE, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { organization, ctx } = authorized(request, 'internal_user_mgt_list');
      const { format = 'csv', filter } = request.query;
      const query = readListQuery({ filter, sortBy: request.query.sortBy, sortOrder: request.query.sortOrder }, USER_SORT, 'meta.created');
      const rows = await system.services.exports.users(organization.id, { filter: query.filter, sort: query.sort }, ctx, { filter: filter || undefined, format });
      return sendDownload(reply, `users-${organization.handle}`, format, exportStream(rows, format, USER_SHAPE));
    },
  );

  app.get<{ Querystring: AuditFilterQuerystring & { format?: ExportFormat } }>(
    '/server/v1/audit-events/export',
    {
      schema: {
        tags: ['Audit'],
        summary: "Download the organization's audit events, newest first, as CSV or JSON Lines",
        description: 'The filters are those of `GET /server/v1/audit-events`. Every matching event is included: the body is streamed as it is read.',
        querystring: { type: 'object', properties: { ...AUDIT_FILTER_PROPERTIES, format: FORMAT_PROPERTY } },
        response: { 200: DOWNLOAD_RESPONSE, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { organization, ctx } = authorized(request, 'internal_org_audit_view');
      const { format = 'csv', ...filters } = request.query;
      const query = readAuditFilters(filters);
      const rows = await system.services.exports.auditEvents(organization.id, query, ctx, { filter: new URLSearchParams(filters as Record<string, string>).toString() || undefined, format });
      return sendDownload(reply, `audit-${organization.handle}`, format, exportStream(rows, format, AUDIT_SHAPE));
    },
  );
}
