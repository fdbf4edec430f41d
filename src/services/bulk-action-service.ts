// Bulk actions on users (issue 14 item 6): add to or remove from a group, resend the
// invitation, lock, unlock or delete, for the users an administrator selected or for every user
// a list filter matches. The users are fixed when the action is asked for (a filter is resolved
// then, page by page, so users created afterwards are not touched), stored as the rows of a
// background job (services/background-jobs.ts), and each is done through the service the
// single-user action uses, in its batch's transaction with its row's outcome: the same privilege rules
// (docs/security.md section 1: an administrator's account is the owner's alone), the same audit
// event per user, exactly once.

import type { Repos, TransactionRepos } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { Job, JobRow } from '../repos/job-repo.ts';
import type { UserListQuery } from '../repos/user-repo.ts';
import type { FilterNode } from '../scim/filter/ast.ts';
import type { ReplaceUserInput, UserService, UserView } from './user-service.ts';
import type { GroupService } from './group-service.ts';
import type { OnboardingService } from './onboarding-service.ts';
import { userSortPosition } from './user-sort-position.ts';
import { assertMayActOnAccount } from './account-privileges.ts';
import { AppError } from '../errors.ts';
import type { RequestContext } from './request-context.ts';
import { recordRowIn, type BackgroundJobs } from './background-jobs.ts';

export const BULK_ACTIONS = ['add_to_group', 'remove_from_group', 'resend_invitation', 'lock', 'unlock', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Ids one request may name; more is a filter's job. */
export const MAX_SELECTED_USERS = 1000;
const FILTER_PAGE = 500;

export interface BulkActionParams {
  action: BulkAction;
  groupId: string | null;
  /** The filter as the caller wrote it, when the users were chosen by one. */
  filter: string | null;
}

export type BulkSelection = { userIds: string[] } | { filter: FilterNode; filterText: string; expectedCount?: number };

export function bulkParams(job: Job): BulkActionParams {
  return job.params as unknown as BulkActionParams;
}

function invalid(message: string, field: string): AppError {
  return new AppError('request.invalid', message, { details: { field } });
}

export function createBulkActionService(deps: { repos: Repos; users: UserService; groups: GroupService; onboarding: OnboardingService; jobs: BackgroundJobs }) {
  const { repos, users, groups, onboarding, jobs } = deps;

  /** The same attributes with the account locked or unlocked: what the Edit page's lock tab sends. */
  function withLock(view: UserView, locked: boolean): ReplaceUserInput {
    const { user } = view;
    return {
      userName: user.userName,
      givenName: user.givenName,
      familyName: user.familyName,
      displayName: user.displayName ?? null,
      externalId: user.externalId ?? null,
      emails: view.emails,
      enterprise: user.enterprise ?? null,
      active: user.accountState !== 'disabled',
      locked,
      emailVerified: user.emailVerified,
    };
  }

  /**
   * One user, in the batch's transaction: the action through its own service in a savepoint (a
   * refusal leaves nothing behind), and the outcome.
   */
  async function runRow(job: Job, organization: Organization, row: JobRow, tx: TransactionRepos, ctx: RequestContext): Promise<string> {
    const { action, groupId } = bulkParams(job);
    const { userId } = JSON.parse(row.input) as { userId: string };
    let outcome: 'done' | 'unchanged';
    try {
      outcome = await tx.savepoint(async () => act(await users.getUserIn(tx, organization.id, userId)));
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return recordRowIn(tx, job, row, error.code === 'user.not_found' ? 'not_found' : 'refused', error.message, userId);
      throw error;
    }
    return recordRowIn(tx, job, row, outcome, outcome === 'unchanged' ? unchangedReason() : null, userId);

    function unchangedReason(): string {
      return {
        add_to_group: 'Already in the group',
        remove_from_group: 'Not in the group',
        lock: 'Already locked',
        unlock: 'Not locked',
        resend_invitation: '',
        delete: '',
      }[action];
    }

    async function act(view: UserView): Promise<'done' | 'unchanged'> {
      const inGroup = view.groups.some((group) => group.id === groupId);
      switch (action) {
        case 'add_to_group':
        case 'remove_from_group': {
          if ((action === 'add_to_group') === inGroup) return 'unchanged';
          // A membership decides what an account may use: changed only by who may change it.
          await assertMayActOnAccount(tx, organization.id, ctx, view.user, 'change');
          const members = action === 'add_to_group' ? { add: [userId], remove: [] } : { add: [], remove: [userId] };
          await groups.writeUpdate(tx, organization.id, groupId!, { members }, ctx, undefined, false);
          return 'done';
        }
        case 'lock':
        case 'unlock': {
          if ((action === 'lock') === (view.user.accountState === 'locked')) return 'unchanged';
          const prepared = await users.prepareReplace(organization, view.user, withLock(view, action === 'lock'), tx);
          await users.writeReplace(tx, organization, userId, prepared, ctx);
          return 'done';
        }
        case 'resend_invitation':
          await onboarding.writeResendInvitation(tx, organization, userId, 'email', ctx);
          return 'done';
        case 'delete':
          await users.writeDelete(tx, organization.id, userId, ctx);
          return 'done';
      }
    }
  }

  jobs.register('bulk_action', {
    auditPrefix: 'bulk_action',
    start: (job, organization, ctx) => (row, tx) => runRow(job, organization, row, tx, ctx),
  });

  /** Every user the filter matches now, in a stable order, a page at a time. */
  async function* matching(orgId: string, filter: FilterNode): AsyncGenerator<string> {
    const sort: UserListQuery['sort'] = { column: 'created_at', direction: 'asc' };
    let after: UserListQuery['after'];
    for (;;) {
      const page = await repos.users.list(orgId, { filter, sort, after, limit: FILTER_PAGE });
      for (const user of page) yield user.id;
      if (page.length < FILTER_PAGE) return;
      after = userSortPosition(page[page.length - 1], sort.column);
    }
  }

  return {
    async start(organization: Organization, request: { action: BulkAction; groupId?: string }, selection: BulkSelection, ctx: RequestContext): Promise<Job> {
      const { action } = request;
      const groupId = request.groupId ?? null;
      if (action === 'add_to_group' || action === 'remove_from_group') {
        if (!groupId) throw invalid(`${action} needs groupId`, 'groupId');
        if (!(await repos.groups.findById(organization.id, groupId))) throw new AppError('group.not_found', `No group with id "${groupId}"`);
      } else if (groupId) {
        throw invalid(`${action} takes no groupId`, 'groupId');
      }
      let ids: AsyncIterable<string> | string[];
      if ('userIds' in selection) {
        if (selection.userIds.length > MAX_SELECTED_USERS) throw invalid(`At most ${MAX_SELECTED_USERS} userIds; choose more with a filter`, 'userIds');
        ids = [...new Set(selection.userIds)];
      } else {
        // A delete over a filter states how many it expects: if the filter now matches another
        // number (users came or went since the person confirmed), nothing is done.
        if (action === 'delete' && selection.expectedCount === undefined) throw invalid('Deleting the users a filter matches needs expectedCount, the number the person confirmed', 'expectedCount');
        if (selection.expectedCount !== undefined) {
          const count = await users.countUsers(organization.id, selection.filter);
          if (count !== selection.expectedCount) {
            throw new AppError('request.invalid', `The filter now matches ${count} users, not ${selection.expectedCount}: look at the list again and confirm`, { details: { field: 'expectedCount', count } });
          }
        }
        ids = matching(organization.id, selection.filter);
      }
      const params: BulkActionParams = { action, groupId, filter: 'filterText' in selection ? selection.filterText : null };
      async function* rows() {
        for await (const userId of ids) yield { input: JSON.stringify({ userId }) };
      }
      return jobs.create(organization, { kind: 'bulk_action', params: { ...params }, queuedAction: 'bulk_action.queued' }, rows(), ctx);
    },

    get: (orgId: string, id: string) => jobs.get(orgId, 'bulk_action', id),
    list: (orgId: string) => jobs.list(orgId, 'bulk_action'),
    cancel: (orgId: string, id: string, ctx: RequestContext) => jobs.cancel(orgId, 'bulk_action', id, ctx),

    /** The per-user outcomes, a page at a time. */
    async results(orgId: string, id: string): Promise<AsyncGenerator<JobRow[]>> {
      return jobs.rowPages(await jobs.get(orgId, 'bulk_action', id));
    },
  };
}

export type BulkActionService = ReturnType<typeof createBulkActionService>;
