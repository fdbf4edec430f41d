// Bulk actions on users: POST /t/{org}/api/server/v1/users/bulk-actions names an action and the
// users (ids, or a SCIM filter: every user it matches) and answers 202 with the queued job;
// GET .../users/bulk-actions/{id} reports its progress, GET .../{id}/results the outcome for
// each user, POST .../{id}/cancel stops it. The work is done in the background
// (services/bulk-action-service.ts over services/background-jobs.ts).

import type { FastifyInstance } from 'fastify';
import type { System } from '../../system.ts';
import type { Job, JobRow } from '../../repos/job-repo.ts';
import { BULK_ACTIONS, MAX_SELECTED_USERS, bulkParams, type BulkAction, type BulkSelection } from '../../services/bulk-action-service.ts';
import { AppError } from '../../errors.ts';
import { parseFilter } from '../../scim/filter/parser.ts';
import { exportStream, type ExportFormat, type ExportShape } from '../../lib/export-formats.ts';
import { JOB_ERRORS as ERRORS, JOB_ID_PARAMS as ID_PARAMS, RESULTS_QUERYSTRING, RESULTS_RESPONSE, jobSchema, presentJob, sendResults } from './job-responses.ts';
import { authorized } from './principal.ts';
import { API_ERROR_SCHEMA } from './error-schema.ts';

/** The scope each action needs, as the single-user action does. */
const ACTION_SCOPES: Record<BulkAction, string> = {
  add_to_group: 'internal_group_mgt_update',
  remove_from_group: 'internal_group_mgt_update',
  resend_invitation: 'internal_user_mgt_update',
  lock: 'internal_user_mgt_update',
  unlock: 'internal_user_mgt_update',
  delete: 'internal_user_mgt_delete',
};

const JOB_SCHEMA = jobSchema(
  {
    action: { type: 'string', enum: BULK_ACTIONS },
    groupId: { type: ['string', 'null'] },
    filter: { type: ['string', 'null'] },
  },
  'Users by outcome: done, unchanged, refused (not allowed, or not possible: why is in the results), not_found',
);

function presentBulkAction(job: Job) {
  const { action, groupId, filter } = bulkParams(job);
  return presentJob(job, { action, groupId, filter });
}

const RESULT_SHAPE: ExportShape<JobRow> = {
  columns: [
    { header: 'user_id', cell: (r) => r.userId ?? (JSON.parse(r.input) as { userId: string }).userId },
    { header: 'outcome', cell: (r) => r.outcome ?? 'pending' },
    { header: 'detail', cell: (r) => r.detail },
  ],
  record: (r) => ({ userId: r.userId ?? (JSON.parse(r.input) as { userId: string }).userId, outcome: r.outcome ?? 'pending', detail: r.detail }),
};

interface StartBody {
  action: BulkAction;
  groupId?: string;
  userIds?: string[];
  filter?: string;
  expectedCount?: number;
}

export async function bulkActionRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.post<{ Body: StartBody }>(
    '/server/v1/users/bulk-actions',
    {
      schema: {
        tags: ['Users'],
        summary: 'Add to or remove from a group, resend invitations, lock, unlock or delete many users, in the background',
        description: [
          `Name the users by \`userIds\` (at most ${MAX_SELECTED_USERS}) or by \`filter\` (a SCIM filter of \`GET /scim2/Users\`: every user it matches when the action is asked for). Exactly one of the two.`,
          'Deleting by a filter needs `expectedCount`, the number of users the person confirmed: if the filter now matches another number, nothing is done (400).',
          'Each user is done as the single-user action would be, with its scope (`internal_group_mgt_update` for groups, `internal_user_mgt_update` for invitations and locks, `internal_user_mgt_delete` for deletes) and its rules: an administrator account is refused unless the caller is the owner. Each is audited.',
        ].join('\n\n'),
        body: {
          type: 'object',
          required: ['action'],
          additionalProperties: false,
          properties: {
            action: { type: 'string', enum: BULK_ACTIONS },
            groupId: { type: 'string', maxLength: 64 },
            userIds: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: MAX_SELECTED_USERS },
            filter: { type: 'string', maxLength: 4000 },
            expectedCount: { type: 'integer', minimum: 0 },
          },
        },
        response: { 202: { description: 'The bulk action, queued', ...JOB_SCHEMA }, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { action, groupId, userIds, filter, expectedCount } = request.body;
      const { organization, ctx } = authorized(request, ACTION_SCOPES[action]);
      if ((userIds === undefined) === (filter === undefined)) {
        throw new AppError('request.invalid', 'Name the users by userIds or by filter (exactly one of them)', { details: { field: 'userIds' } });
      }
      let selection: BulkSelection;
      if (filter !== undefined) {
        // Choosing by filter reads the list: the list's scope too.
        authorized(request, 'internal_user_mgt_list');
        selection = { filter: parseFilter(filter), filterText: filter, ...(expectedCount !== undefined && { expectedCount }) };
      } else {
        selection = { userIds: userIds! };
      }
      const job = await system.services.bulkActions.start(organization, { action, groupId }, selection, ctx);
      return reply.code(202).header('location', `${request.url.split('?')[0]}/${job.id}`).send(presentBulkAction(job));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/server/v1/users/bulk-actions/:id',
    { schema: { tags: ['Users'], summary: "A bulk action's state and progress", params: ID_PARAMS, response: { 200: JOB_SCHEMA, ...ERRORS } } },
    async (request) => {
      const { organization } = authorized(request, 'internal_user_mgt_list');
      return presentBulkAction(await system.services.bulkActions.get(organization.id, request.params.id));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/server/v1/users/bulk-actions/:id/cancel',
    {
      schema: { tags: ['Users'], summary: 'Stop a bulk action that has not finished; the users already done stay done', params: ID_PARAMS, response: { 200: JOB_SCHEMA, ...ERRORS, 409: API_ERROR_SCHEMA } },
    },
    async (request) => {
      const { organization, ctx } = authorized(request, 'internal_user_mgt_update');
      return presentBulkAction(await system.services.bulkActions.cancel(organization.id, request.params.id, ctx));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { format?: ExportFormat } }>(
    '/server/v1/users/bulk-actions/:id/results',
    {
      schema: {
        tags: ['Users'],
        summary: 'Download the outcome for every user, as CSV or JSON Lines',
        params: ID_PARAMS,
        querystring: RESULTS_QUERYSTRING,
        response: { 200: RESULTS_RESPONSE, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { organization } = authorized(request, 'internal_user_mgt_list');
      const { format = 'csv' } = request.query;
      const pages = await system.services.bulkActions.results(organization.id, request.params.id);
      return sendResults(reply, `bulk-action-${request.params.id}`, format, await exportStream(pages, format, RESULT_SHAPE));
    },
  );
}
