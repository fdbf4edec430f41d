// Bulk imports of customers (issue 14 items 3 and 4). An upload stores every row of the file
// (lib/import-file.ts reads it as a stream) as a background job (services/background-jobs.ts);
// the job's runner then takes each row in order through the same create as the Console's New
// User (services/user-service.ts), in a batch's transaction that also records the row's
// outcome, so a row is done exactly once even when an instance dies mid-import and another
// resumes it. A dry run takes the same steps without writing a user, so it reports what
// the real run will do: created, invited, skipped (the username exists, or repeats an earlier
// row) or invalid (why). Imports create customers only, never administrators.

import type { Readable } from 'node:stream';
import type { Repos, RepoSet, TransactionRepos } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { Group } from '../repos/group-repo.ts';
import type { Job, JobRow } from '../repos/job-repo.ts';
import type { Clock } from '../lib/clock.ts';
import type { UserService } from './user-service.ts';
import type { OnboardingService } from './onboarding-service.ts';
import { readImportFile, type ImportFormat, type ReadRow } from '../lib/import-file.ts';
import { storedFormOfImportedHash, type FirebaseScryptParameters } from '../security/imported-hash.ts';
import { canonicalEmail } from '../lib/email.ts';
import { AppError } from '../errors.ts';
import { auditFields, type RequestContext } from './request-context.ts';
import { recordRowIn, type BackgroundJobs } from './background-jobs.ts';

export type ImportDelivery = 'email' | 'link' | 'none';

/** An import's parameters, as its job keeps them. */
export interface ImportParams {
  fileName: string | null;
  format: ImportFormat;
  dryRun: boolean;
  delivery: ImportDelivery;
}

export function importParams(job: Job): ImportParams {
  return job.params as unknown as ImportParams;
}

export interface ImportOptions {
  dryRun: boolean;
  delivery: ImportDelivery;
  fileName?: string;
  /** The project's hash parameters, for rows whose scheme is `firebase-scrypt`. */
  firebase?: FirebaseScryptParameters;
}

/** What a stored row holds: the record, checked as far as it can be without the database. */
interface StoredRowInput {
  userName: string;
  givenName?: string;
  familyName?: string;
  groups: string[];
  /** Why the row cannot be imported, found while reading it. */
  error?: string;
  /** The earlier row with the same username. */
  duplicateOf?: number;
}

export interface ImportResultRow {
  rowNumber: number;
  userName: string;
  givenName: string | null;
  familyName: string | null;
  groups: string[];
  outcome: string;
  detail: string | null;
  userId: string | null;
  /** Offline invitations: the set-password link, issued as the results are read. */
  invitationLink?: string;
  invitationExpiresAt?: Date;
}

/** Why a create was refused, said for the person reading the results. */
function rowProblem(error: AppError, userName: string): string {
  if (error.code === 'user.invalid_email') return `"${userName}" is not an email address`;
  return error.message;
}

function isTaken(error: unknown): boolean {
  return error instanceof AppError && (error.code === 'user.email_in_use' || error.code === 'conflict.unique');
}

/** A row as stored: what the file said, checked as far as it can be without the database, and its hash apart. */
function storedRow(row: ReadRow, firebase: FirebaseScryptParameters | undefined, seen: Map<string, number>): { input: StoredRowInput; importedHash: string | null } {
  if ('error' in row) return { input: { userName: '', groups: [], error: row.error }, importedHash: null };
  const { passwordHash, ...record } = row.record;
  const key = canonicalEmail(record.userName);
  const first = seen.get(key);
  if (first !== undefined) return { input: { ...record, duplicateOf: first }, importedHash: null };
  seen.set(key, row.rowNumber);
  if (!passwordHash) return { input: record, importedHash: null };
  const stored = storedFormOfImportedHash(passwordHash, firebase);
  if ('error' in stored) return { input: { ...record, error: stored.error }, importedHash: null };
  return { input: record, importedHash: stored.stored };
}

export function createImportService(deps: { repos: Repos; users: UserService; onboarding: OnboardingService; clock: Clock; jobs: BackgroundJobs }) {
  const { repos, users, onboarding, clock, jobs } = deps;

  /** Groups by name, looked up once per import run (in the batch's transaction). */
  function groupResolver(orgId: string) {
    const known = new Map<string, Group | null>();
    return async (tx: RepoSet, names: string[]): Promise<{ groupIds: string[] } | { unknown: string }> => {
      const groupIds: string[] = [];
      for (const name of names) {
        const key = name.toLowerCase();
        if (!known.has(key)) known.set(key, (await tx.groups.findByName(orgId, name)) ?? null);
        const group = known.get(key);
        if (!group) return { unknown: name };
        groupIds.push(group.id);
      }
      return { groupIds };
    };
  }

  /**
   * One row, in the batch's transaction: decided, and (unless a dry run) done, with its outcome.
   * The create runs in a savepoint, so a row that fails leaves nothing of itself behind.
   */
  async function runRow(job: Job, organization: Organization, row: JobRow, tx: TransactionRepos, resolveGroups: ReturnType<typeof groupResolver>, ctx: RequestContext): Promise<string> {
    const { dryRun, delivery } = importParams(job);
    const input = JSON.parse(row.input) as StoredRowInput;
    const storedHash = row.importedHash ?? undefined;
    // Recording the outcome also empties the row's hash: a used one leaves in the transaction
    // that stores it in password_credentials.
    if (input.error) return recordRowIn(tx, job, row, 'invalid', input.error);
    if (input.duplicateOf) return recordRowIn(tx, job, row, 'skipped', `The same username as row ${input.duplicateOf}`);
    const groups = await resolveGroups(tx, input.groups);
    if ('unknown' in groups) return recordRowIn(tx, job, row, 'invalid', `There is no group named "${groups.unknown}"`);
    const invites = storedHash === undefined && delivery !== 'none';
    let prepared;
    try {
      prepared = await users.prepareCreate(
        organization,
        {
          userName: input.userName,
          givenName: input.givenName ?? null,
          familyName: input.familyName ?? null,
          groupIds: groups.groupIds,
          ...(storedHash !== undefined && { importedPasswordHash: storedHash }),
          ...(invites && { askPassword: true, invitationDelivery: delivery === 'email' ? 'email' : 'link' }),
        },
        tx,
      );
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return recordRowIn(tx, job, row, 'invalid', rowProblem(error, input.userName));
      throw error;
    }
    const existing = await tx.users.findByUserName(organization.id, prepared.input.userName);
    if (existing) return recordRowIn(tx, job, row, 'skipped', 'A user with this username exists', existing.id);
    if (dryRun) return recordRowIn(tx, job, row, invites ? 'would_invite' : 'would_create', null);
    let userId: string;
    try {
      userId = (await tx.savepoint(() => users.writeCreate(tx, organization, prepared, ctx))).user.id;
    } catch (error) {
      // Created meanwhile (by a person, SCIM, or a runner resuming this import elsewhere).
      if (isTaken(error)) return recordRowIn(tx, job, row, 'skipped', 'A user with this username exists');
      if (error instanceof AppError && error.status < 500) return recordRowIn(tx, job, row, 'invalid', rowProblem(error, input.userName));
      throw error;
    }
    return recordRowIn(tx, job, row, invites ? 'invited' : 'created', null, userId);
  }

  jobs.register('import', {
    auditPrefix: 'import',
    start(job, organization, ctx) {
      const resolveGroups = groupResolver(organization.id);
      return (row, tx) => runRow(job, organization, row, tx, resolveGroups, ctx);
    },
  });

  return {
    /**
     * Stores the file's rows and queues the import. Nothing is queued until the whole file is
     * stored: a file that turns out broken halfway (or an upload cut off) leaves no import.
     */
    upload(organization: Organization, body: Readable, format: ImportFormat, options: ImportOptions, ctx: RequestContext): Promise<Job> {
      const params: ImportParams = { fileName: options.fileName ?? null, format, dryRun: options.dryRun, delivery: options.delivery };
      async function* rows() {
        const seen = new Map<string, number>();
        for await (const read of readImportFile(body, format)) {
          const { input, importedHash } = storedRow(read, options.firebase, seen);
          yield { input: JSON.stringify(input), importedHash };
        }
      }
      return jobs.create(organization, { kind: 'import', params: { ...params }, queuedAction: 'import.queued' }, rows(), ctx);
    },

    get: (orgId: string, id: string) => jobs.get(orgId, 'import', id),
    list: (orgId: string) => jobs.list(orgId, 'import'),
    cancel: (orgId: string, id: string, ctx: RequestContext) => jobs.cancel(orgId, 'import', id, ctx),

    /**
     * The per-row results, in file order, a page at a time. For an offline invitation the
     * set-password link is issued now, for each customer still waiting to set a password: a
     * link exists in clear only in this download, and downloading again issues new links and
     * voids the earlier ones.
     */
    async results(organization: Organization, id: string, ctx: RequestContext): Promise<AsyncGenerator<ImportResultRow[]>> {
      const job = await jobs.get(organization.id, 'import', id);
      const { delivery, dryRun } = importParams(job);
      const jobPages = jobs.rowPages(job);
      const issuesLinks = delivery === 'link' && !dryRun;
      await repos.audit.record({
        ...auditFields(ctx),
        orgId: organization.id,
        occurredAt: clock.now(),
        action: 'import.results_downloaded',
        targetType: 'import',
        targetId: id,
        after: { invitationLinks: issuesLinks },
      });
      async function* pages(): AsyncGenerator<ImportResultRow[]> {
        for await (const rows of jobPages) {
          const results = rows.map((row): ImportResultRow => {
            const input = JSON.parse(row.input) as StoredRowInput;
            return {
              rowNumber: row.rowNumber,
              userName: input.userName,
              givenName: input.givenName ?? null,
              familyName: input.familyName ?? null,
              groups: input.groups,
              outcome: row.outcome ?? 'pending',
              detail: row.detail,
              userId: row.userId,
            };
          });
          if (issuesLinks) {
            await repos.transaction(async (tx) => {
              for (const result of results) {
                if (result.outcome !== 'invited' || !result.userId) continue;
                const user = await tx.users.findById(organization.id, result.userId);
                if (user?.accountState !== 'pending') continue;
                const link = await onboarding.startInvitation(tx, organization, user, 'link');
                result.invitationLink = link.url;
                result.invitationExpiresAt = link.expiresAt;
              }
            });
          }
          yield results;
        }
      }
      return pages();
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
