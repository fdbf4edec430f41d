// Bulk imports of customers (issue 14 items 3 and 4). An upload stores every row of the file
// (lib/import-file.ts reads it as a stream) and queues the import; a runner
// (services/import-runner.ts) then takes each row in order through the same create as the
// Console's New User (services/user-service.ts), one transaction per row that also records the
// row's outcome, so a row is done exactly once even when an instance dies mid-import and
// another resumes it. A dry run takes the same steps without writing a user, so it reports what
// the real run will do: created, invited, skipped (the username exists, or repeats an earlier
// row) or invalid (why). Imports create customers only, never administrators.

import type { Readable } from 'node:stream';
import type { Repos, RepoSet } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { Group } from '../repos/group-repo.ts';
import type { ImportJob, ImportOutcomes, ImportRow } from '../repos/import-repo.ts';
import type { ImportDelivery } from '../db/schema.ts';
import type { Clock } from '../lib/clock.ts';
import type { UserService } from './user-service.ts';
import type { OnboardingService } from './onboarding-service.ts';
import { readImportFile, type ImportFormat, type ReadRow } from '../lib/import-file.ts';
import { storedFormOfImportedHash, type FirebaseScryptParameters } from '../security/imported-hash.ts';
import { canonicalEmail } from '../lib/email.ts';
import { newId } from '../lib/ids.ts';
import { AppError } from '../errors.ts';
import { auditFields, type RequestContext } from './request-context.ts';

/** Rows stored per statement at upload, and read per page for the results. */
const UPLOAD_BATCH = 500;
const RESULTS_PAGE = 500;

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

/** The row was finished by another runner meanwhile (its lease ran out here): undo this one. */
class RowAlreadyDone extends Error {}

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

export function createImportService(deps: { repos: Repos; users: UserService; onboarding: OnboardingService; clock: Clock }) {
  const { repos, users, onboarding, clock } = deps;

  const contextOf = (job: ImportJob): RequestContext => ({ actor: { type: job.actorType as RequestContext['actor']['type'], ...(job.actorId && { id: job.actorId }) }, requestId: `import-${job.id}` });

  async function requireJob(orgId: string, id: string): Promise<ImportJob> {
    const job = await repos.imports.find(orgId, id);
    if (!job) throw new AppError('import.not_found', `No import with id "${id}"`);
    return job;
  }

  /** Groups by name, looked up once per import run. */
  function groupResolver(orgId: string) {
    const known = new Map<string, Group | null>();
    return async (names: string[]): Promise<{ groupIds: string[] } | { unknown: string }> => {
      const groupIds: string[] = [];
      for (const name of names) {
        const key = name.toLowerCase();
        if (!known.has(key)) known.set(key, (await repos.groups.findByName(orgId, name)) ?? null);
        const group = known.get(key);
        if (!group) return { unknown: name };
        groupIds.push(group.id);
      }
      return { groupIds };
    };
  }

  /** One row: decided, and (unless a dry run) done, with its outcome recorded in the same transaction. */
  async function runRow(job: ImportJob, organization: Organization, row: ImportRow, resolveGroups: ReturnType<typeof groupResolver>, ctx: RequestContext): Promise<string> {
    const input = JSON.parse(row.input) as StoredRowInput;
    const storedHash = row.importedHash ?? undefined;
    // Recording the outcome also empties the row's hash: a used one leaves in the transaction
    // that stores it in password_credentials.
    const record = async (tx: RepoSet, outcome: string, detail: string | null, userId: string | null = null) => {
      if (!(await tx.imports.recordRow(job.id, row.rowNumber, { outcome, detail, userId }))) throw new RowAlreadyDone();
      return outcome;
    };
    if (input.error) return record(repos, 'invalid', input.error);
    if (input.duplicateOf) return record(repos, 'skipped', `The same username as row ${input.duplicateOf}`);
    const groups = await resolveGroups(input.groups);
    if ('unknown' in groups) return record(repos, 'invalid', `There is no group named "${groups.unknown}"`);
    const invites = storedHash === undefined && job.delivery !== 'none';
    let prepared;
    try {
      prepared = await users.prepareCreate(organization, {
        userName: input.userName,
        givenName: input.givenName ?? null,
        familyName: input.familyName ?? null,
        groupIds: groups.groupIds,
        ...(storedHash !== undefined && { importedPasswordHash: storedHash }),
        ...(invites && { askPassword: true, invitationDelivery: job.delivery === 'email' ? 'email' : 'link' }),
      });
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return record(repos, 'invalid', rowProblem(error, input.userName));
      throw error;
    }
    const existing = await repos.users.findByUserName(organization.id, prepared.input.userName);
    if (existing) return record(repos, 'skipped', 'A user with this username exists', existing.id);
    if (job.dryRun) return record(repos, invites ? 'would_invite' : 'would_create', null);
    try {
      return await repos.transaction(async (tx) => {
        const view = await users.writeCreate(tx, organization, prepared, ctx);
        return record(tx, invites ? 'invited' : 'created', null, view.user.id);
      });
    } catch (error) {
      // Created meanwhile (by a person, SCIM, or a runner resuming this import elsewhere).
      if (isTaken(error)) return record(repos, 'skipped', 'A user with this username exists');
      if (error instanceof AppError && error.status < 500) return record(repos, 'invalid', rowProblem(error, input.userName));
      throw error;
    }
  }

  return {
    /**
     * Stores the file's rows and queues the import. Nothing is queued until the whole file is
     * stored: a file that turns out broken halfway (or an upload cut off) leaves no import.
     */
    async upload(organization: Organization, body: Readable, format: ImportFormat, options: ImportOptions, ctx: RequestContext): Promise<ImportJob> {
      const now = clock.now();
      const id = newId();
      await repos.imports.insertJob({
        id,
        orgId: organization.id,
        actorType: ctx.actor.type,
        actorId: ctx.actor.id ?? null,
        fileName: options.fileName ?? null,
        dryRun: options.dryRun,
        delivery: options.delivery,
        state: 'uploading',
        totalRows: 0,
        createdAt: now,
        updatedAt: now,
      });
      let total = 0;
      try {
        const seen = new Map<string, number>();
        let batch: Array<{ importId: string; rowNumber: number; input: string; importedHash: string | null }> = [];
        for await (const row of readImportFile(body, format)) {
          const { input, importedHash } = storedRow(row, options.firebase, seen);
          batch.push({ importId: id, rowNumber: row.rowNumber, input: JSON.stringify(input), importedHash });
          total = row.rowNumber;
          if (batch.length >= UPLOAD_BATCH) {
            await repos.imports.insertRows(batch);
            batch = [];
          }
        }
        await repos.imports.insertRows(batch);
        if (total === 0) throw new AppError('request.invalid', 'The file has no rows: give a row per user after the header', { details: { field: 'file' } });
        await repos.transaction(async (tx) => {
          await tx.imports.queue(organization.id, id, total, clock.now());
          await tx.audit.record({
            ...auditFields(ctx),
            orgId: organization.id,
            occurredAt: clock.now(),
            action: 'import.queued',
            targetType: 'import',
            targetId: id,
            after: { fileName: options.fileName ?? null, format, dryRun: options.dryRun, delivery: options.delivery, totalRows: total },
          });
        });
      } catch (error) {
        await repos.imports.deleteJob(organization.id, id);
        throw error;
      }
      return requireJob(organization.id, id);
    },

    get: requireJob,

    list(orgId: string): Promise<ImportJob[]> {
      return repos.imports.list(orgId, 50);
    },

    async cancel(orgId: string, id: string, ctx: RequestContext): Promise<ImportJob> {
      const job = await requireJob(orgId, id);
      const now = clock.now();
      if (!(await repos.imports.cancel(orgId, id, now))) throw new AppError('import.finished', `The import has already ${job.state === 'cancelled' ? 'been cancelled' : job.state}`);
      await repos.audit.record({ ...auditFields(ctx), orgId, occurredAt: now, action: 'import.cancelled', targetType: 'import', targetId: id, after: { processedRows: job.processedRows } });
      return requireJob(orgId, id);
    },

    /**
     * The per-row results, in file order, a page at a time. For an offline invitation the
     * set-password link is issued now, for each customer still waiting to set a password: a
     * link exists in clear only in this download, and downloading again issues new links and
     * voids the earlier ones.
     */
    async results(organization: Organization, id: string, ctx: RequestContext): Promise<AsyncGenerator<ImportResultRow[]>> {
      const job = await requireJob(organization.id, id);
      const issuesLinks = job.delivery === 'link' && !job.dryRun;
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
        let after = 0;
        for (;;) {
          const rows = await repos.imports.rowsAfter(id, after, RESULTS_PAGE);
          if (rows.length === 0) return;
          after = rows[rows.length - 1].rowNumber;
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

    /**
     * Claims the next import any instance may run and runs it to its end, or until its lease is
     * lost or it is cancelled. False when there was none.
     */
    async runNext(leaseToken: string, options: { leaseMs: number; batchSize: number; keepGoing: () => boolean }): Promise<boolean> {
      const now = clock.now();
      const claimed = await repos.imports.claimNext(now, new Date(now.getTime() + options.leaseMs), leaseToken);
      if (!claimed) return false;
      const organization = await repos.organizations.findById(claimed.orgId);
      const ctx = contextOf(claimed);
      // A resumed import counts what its earlier runner already did.
      let { processedRows, outcomes } = await repos.imports.countOutcomes(claimed.id);
      const finish = async (state: 'completed' | 'failed', error?: string) => {
        const at = clock.now();
        await repos.transaction(async (tx) => {
          if (!(await tx.imports.finish(claimed.id, leaseToken, at, { state, processedRows, outcomes, error }))) return;
          await tx.audit.record({
            ...auditFields(ctx),
            orgId: claimed.orgId,
            occurredAt: at,
            action: state === 'completed' ? 'import.completed' : 'import.failed',
            targetType: 'import',
            targetId: claimed.id,
            after: { fileName: claimed.fileName, dryRun: claimed.dryRun, delivery: claimed.delivery, totalRows: claimed.totalRows, outcomes, ...(error && { error }) },
          });
        });
      };
      if (!organization) {
        await finish('failed', 'The organization no longer exists');
        return true;
      }
      const resolveGroups = groupResolver(organization.id);
      for (;;) {
        // A stopping instance hands the import back at once rather than let its lease run out.
        if (!options.keepGoing()) {
          await repos.imports.release(claimed.id, leaseToken, clock.now(), { processedRows, outcomes });
          return true;
        }
        const rows = await repos.imports.pendingRows(claimed.id, options.batchSize);
        if (rows.length === 0) break;
        const counted: ImportOutcomes = { ...outcomes };
        let done = processedRows;
        for (const row of rows) {
          let outcome: string;
          try {
            outcome = await runRow(claimed, organization, row, resolveGroups, ctx);
          } catch (error) {
            if (error instanceof RowAlreadyDone) return true;
            throw error;
          }
          counted[outcome] = (counted[outcome] ?? 0) + 1;
          done += 1;
        }
        outcomes = counted;
        processedRows = done;
        const at = clock.now();
        // The lease is renewed with each batch; a cancelled import (or a lost lease) stops here.
        if (!(await repos.imports.recordProgress(claimed.id, leaseToken, at, { processedRows, outcomes, lockedUntil: new Date(at.getTime() + options.leaseMs) }))) return true;
      }
      await finish('completed');
      return true;
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
