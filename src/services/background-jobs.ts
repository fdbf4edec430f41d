// Background jobs over many users (repos/job-repo.ts): a bulk import (services/import-service.ts)
// or a bulk action on users (services/bulk-action-service.ts). Both store every row before the
// job is queued; this module runs them. A runner claims a job with a lease and takes its rows in
// order a batch at a time: one transaction per batch, holding every row's work and outcome
// (`recordRowIn`) and the job's progress, so a row is done exactly once even when two instances
// meet on one job or one dies mid-job and another resumes it. A row that fails is rolled back to
// its own savepoint and recorded as such; the rest of the batch stays. One commit per batch
// rather than per row is what makes an import faster than creating users one by one.

import type { Repos, RepoSet, TransactionRepos } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { Job, JobOutcomes, JobRow } from '../repos/job-repo.ts';
import type { JobKind } from '../db/schema.ts';
import type { Clock } from '../lib/clock.ts';
import { newId } from '../lib/ids.ts';
import { AppError } from '../errors.ts';
import { auditFields, type RequestContext } from './request-context.ts';

/** The row was finished by another runner meanwhile (this one's lease ran out): undo this batch. */
export class RowAlreadyDone extends Error {}

/** This runner's lease is gone (cancelled, or taken over): undo this batch. */
class LeaseLost extends Error {}

/** Writes a row's outcome in `tx`; throws RowAlreadyDone (rolling `tx` back) if it has one. */
export async function recordRowIn(tx: RepoSet, job: Job, row: JobRow, outcome: string, detail: string | null, userId: string | null = null): Promise<string> {
  if (!(await tx.jobs.recordRow(job.id, row.rowNumber, { outcome, detail, userId }))) throw new RowAlreadyDone();
  return outcome;
}

/** What a kind of job does with its rows. */
export interface JobKindHandler {
  /** Audit actions are `{auditPrefix}.completed`, `.failed`, `.cancelled`. */
  auditPrefix: string;
  /**
   * Called once per claim: answers the function that does one row inside the batch's
   * transaction `tx` (every read and write on it; a write that may fail inside `tx.savepoint`)
   * and records its outcome there, returning it.
   */
  start(job: Job, organization: Organization, ctx: RequestContext): (row: JobRow, tx: TransactionRepos) => Promise<string>;
}

export interface NewJob {
  kind: JobKind;
  params: Record<string, unknown>;
  /** The action recorded when the job is queued (`import.queued`, `bulk_action.queued`). */
  queuedAction: string;
}

/** Rows stored per statement when a job is created, and read per page for its results. */
const ROW_BATCH = 500;
const RESULTS_PAGE = 500;

export function createBackgroundJobs(deps: { repos: Repos; clock: Clock }) {
  const { repos, clock } = deps;
  const handlers = new Map<JobKind, JobKindHandler>();

  /** The job's own actor, as the audit trail shows who asked for it. */
  const contextOf = (job: Job): RequestContext => ({ actor: { type: job.actorType as RequestContext['actor']['type'], ...(job.actorId && { id: job.actorId }) }, requestId: `${job.kind}-${job.id}` });

  return {
    register(kind: JobKind, handler: JobKindHandler): void {
      handlers.set(kind, handler);
    },

    /**
     * Creates a job from `rows` (any number, in order): every row is stored before the job is
     * queued, so a failure halfway (a broken file, a cut-off upload) leaves no job at all.
     */
    async create(organization: Organization, job: NewJob, rows: AsyncIterable<{ input: string; importedHash?: string | null }>, ctx: RequestContext): Promise<Job> {
      const id = newId();
      await repos.jobs.insertJob({ id, orgId: organization.id, kind: job.kind, actorType: ctx.actor.type, actorId: ctx.actor.id ?? null, params: job.params, createdAt: clock.now() });
      let total = 0;
      try {
        let batch: Array<{ jobId: string; rowNumber: number; input: string; importedHash: string | null }> = [];
        for await (const row of rows) {
          total += 1;
          batch.push({ jobId: id, rowNumber: total, input: row.input, importedHash: row.importedHash ?? null });
          if (batch.length >= ROW_BATCH) {
            await repos.jobs.insertRows(batch);
            batch = [];
          }
        }
        await repos.jobs.insertRows(batch);
        if (total === 0) throw new AppError('request.invalid', job.kind === 'import' ? 'The file has no rows: give a row per user after the header' : 'No users are selected', { details: { field: job.kind === 'import' ? 'file' : 'users' } });
        await repos.transaction(async (tx) => {
          await tx.jobs.queue(organization.id, id, total, clock.now());
          await tx.audit.record({ ...auditFields(ctx), orgId: organization.id, occurredAt: clock.now(), action: job.queuedAction, targetType: job.kind, targetId: id, after: { ...job.params, totalRows: total } });
        });
      } catch (error) {
        await repos.jobs.deleteJob(organization.id, id);
        throw error;
      }
      return (await repos.jobs.find(organization.id, job.kind, id))!;
    },

    async get(orgId: string, kind: JobKind, id: string): Promise<Job> {
      const job = await repos.jobs.find(orgId, kind, id);
      if (!job || job.state === 'preparing') throw new AppError('job.not_found', `No ${kind === 'import' ? 'import' : 'bulk action'} with id "${id}"`);
      return job;
    },

    list(orgId: string, kind: JobKind): Promise<Job[]> {
      return repos.jobs.list(orgId, kind, 50);
    },

    /** A job's rows in order, a page at a time (its results download), for a job `get` found. */
    async *rowPages(job: Job): AsyncGenerator<JobRow[]> {
      let after = 0;
      for (;;) {
        const rows = await repos.jobs.rowsAfter(job.id, after, RESULTS_PAGE);
        if (rows.length === 0) return;
        after = rows[rows.length - 1].rowNumber;
        yield rows;
      }
    },

    async cancel(orgId: string, kind: JobKind, id: string, ctx: RequestContext): Promise<Job> {
      const job = await this.get(orgId, kind, id);
      const now = clock.now();
      const cancelled = await repos.transaction(async (tx) => {
        if (!(await tx.jobs.cancel(orgId, kind, id, now))) return false;
        await tx.jobs.dropWaitingHashes(id);
        await tx.audit.record({ ...auditFields(ctx), orgId, occurredAt: now, action: `${handlers.get(kind)?.auditPrefix ?? kind}.cancelled`, targetType: kind, targetId: id, after: { processedRows: job.processedRows } });
        return true;
      });
      if (!cancelled) throw new AppError('job.finished', `It has already ${job.state === 'cancelled' ? 'been cancelled' : job.state}`);
      return this.get(orgId, kind, id);
    },

    /**
     * Claims the next job any instance may run and runs it to its end, or until its lease is
     * lost, it is cancelled, or `keepGoing` says this runner is stopping (the job is then handed
     * back). False when there was none.
     */
    async runNext(leaseToken: string, options: { leaseMs: number; batchSize: number; keepGoing: () => boolean; pauseBetweenBatchesMs?: number }): Promise<boolean> {
      const now = clock.now();
      const claimed = await repos.jobs.claimNext(now, new Date(now.getTime() + options.leaseMs), leaseToken);
      if (!claimed) return false;
      const handler = handlers.get(claimed.kind);
      const organization = await repos.organizations.findById(claimed.orgId);
      const ctx = contextOf(claimed);
      // A resumed job counts what its earlier runner already did.
      let { processedRows, outcomes } = await repos.jobs.countOutcomes(claimed.id);
      const finish = async (state: 'completed' | 'failed', error?: string) => {
        const at = clock.now();
        await repos.transaction(async (tx) => {
          if (!(await tx.jobs.finish(claimed.id, leaseToken, at, { state, processedRows, outcomes, error }))) return;
          await tx.audit.record({
            ...auditFields(ctx),
            orgId: claimed.orgId,
            occurredAt: at,
            action: `${handler?.auditPrefix ?? claimed.kind}.${state}`,
            targetType: claimed.kind,
            targetId: claimed.id,
            after: { ...claimed.params, totalRows: claimed.totalRows, outcomes, ...(error && { error }) },
          });
        });
      };
      if (!organization || !handler) {
        await finish('failed', organization ? `This server does not run ${claimed.kind} jobs` : 'The organization no longer exists');
        return true;
      }
      const runRow = handler.start(claimed, organization, ctx);
      for (let batch = 0; ; batch += 1) {
        // On one connection (SQLite) back-to-back batches would leave the outbox dispatcher and
        // requests a statement per batch: a pause lets them through (job-runner.ts sets it).
        if (batch > 0 && options.pauseBetweenBatchesMs) await new Promise((resolve) => setTimeout(resolve, options.pauseBetweenBatchesMs));
        // A stopping instance hands the job back at once rather than let its lease run out.
        if (!options.keepGoing()) {
          await repos.jobs.release(claimed.id, leaseToken, clock.now(), { processedRows, outcomes });
          return true;
        }
        const rows = await repos.jobs.pendingRows(claimed.id, options.batchSize);
        if (rows.length === 0) break;
        try {
          ({ processedRows, outcomes } = await repos.transaction(async (tx) => {
            const counted: JobOutcomes = { ...outcomes };
            for (const row of rows) {
              const outcome = await runRow(row, tx);
              counted[outcome] = (counted[outcome] ?? 0) + 1;
            }
            const done = processedRows + rows.length;
            const at = clock.now();
            // The lease is renewed with each batch; a cancelled job (or a lost lease) undoes the batch and stops here.
            if (!(await tx.jobs.recordProgress(claimed.id, leaseToken, at, { processedRows: done, outcomes: counted, lockedUntil: new Date(at.getTime() + options.leaseMs) }))) throw new LeaseLost();
            return { processedRows: done, outcomes: counted };
          }));
        } catch (error) {
          if (error instanceof RowAlreadyDone || error instanceof LeaseLost) return true;
          throw error;
        }
      }
      await finish('completed');
      return true;
    },
  };
}

export type BackgroundJobs = ReturnType<typeof createBackgroundJobs>;
