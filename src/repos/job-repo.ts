// Background jobs over many users (migration 0017): the job row and its rows. A job is run by
// whichever instance claims it with a lease (the outbox's pattern, repos/outbox-repo.ts); only
// the lease holder records progress, and a lease that runs out (a crashed instance) makes the
// job claimable again, to resume at its first row without an outcome.

import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, JobKind, JobRowsTable, JobState, JobsTable } from '../db/schema.ts';
import { isPostgres } from '../db/dialect.ts';
import { toDate, toOptionalDate } from '../db/values.ts';

export type JobOutcomes = Record<string, number>;

export interface Job {
  id: string;
  orgId: string;
  kind: JobKind;
  actorType: string;
  actorId: string | null;
  params: Record<string, unknown>;
  state: JobState;
  totalRows: number;
  processedRows: number;
  outcomes: JobOutcomes;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface JobRow {
  jobId: string;
  rowNumber: number;
  /** The row's input, as JSON. */
  input: string;
  /** An imported password hash waiting for its user (only undecided import rows have one). */
  importedHash: string | null;
  outcome: string | null;
  detail: string | null;
  userId: string | null;
}

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind,
    actorType: row.actor_type,
    actorId: row.actor_id,
    params: JSON.parse(row.params) as Record<string, unknown>,
    state: row.state,
    totalRows: row.total_rows,
    processedRows: row.processed_rows,
    outcomes: JSON.parse(row.outcomes) as JobOutcomes,
    error: row.error,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    finishedAt: toOptionalDate(row.finished_at),
  };
}

function toRow(row: Selectable<JobRowsTable>): JobRow {
  return { jobId: row.job_id, rowNumber: row.row_number, input: row.input, importedHash: row.imported_hash, outcome: row.outcome, detail: row.detail, userId: row.user_id };
}

export function createJobRepo(db: Kysely<Database>) {
  /** Changes a running job only for the holder of its lease, and only while that lease runs. */
  async function updateUnderLease(id: string, leaseToken: string, now: Date, changes: Partial<Record<keyof JobsTable, unknown>>): Promise<boolean> {
    const result = await db
      .updateTable('jobs')
      .set(changes as never)
      .where('id', '=', id)
      .where('state', '=', 'running')
      .where('lease_token', '=', leaseToken)
      .where('locked_until', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  return {
    /** A job in `preparing`: its rows follow, then `queue` hands it to the runners. */
    async insertJob(job: Pick<Job, 'id' | 'orgId' | 'kind' | 'actorType' | 'actorId' | 'params' | 'createdAt'>): Promise<void> {
      await db
        .insertInto('jobs')
        .values({
          id: job.id,
          org_id: job.orgId,
          kind: job.kind,
          actor_type: job.actorType,
          actor_id: job.actorId,
          params: JSON.stringify(job.params),
          state: 'preparing',
          total_rows: 0,
          processed_rows: 0,
          outcomes: '{}',
          created_at: job.createdAt,
          updated_at: job.createdAt,
        })
        .execute();
    },

    async insertRows(rows: Array<Pick<JobRow, 'jobId' | 'rowNumber' | 'input' | 'importedHash'>>): Promise<void> {
      if (rows.length === 0) return;
      await db
        .insertInto('job_rows')
        .values(rows.map((row) => ({ job_id: row.jobId, row_number: row.rowNumber, input: row.input, imported_hash: row.importedHash })))
        .execute();
    },

    /** A job whose rows are all stored: counted and handed to the runners. */
    async queue(orgId: string, id: string, totalRows: number, now: Date): Promise<void> {
      await db.updateTable('jobs').set({ state: 'queued', total_rows: totalRows, updated_at: now }).where('org_id', '=', orgId).where('id', '=', id).execute();
    },

    async deleteJob(orgId: string, id: string): Promise<void> {
      await db.deleteFrom('jobs').where('org_id', '=', orgId).where('id', '=', id).execute();
    },

    async find(orgId: string, kind: JobKind, id: string): Promise<Job | undefined> {
      const row = await db.selectFrom('jobs').selectAll().where('org_id', '=', orgId).where('kind', '=', kind).where('id', '=', id).executeTakeFirst();
      return row && toJob(row);
    },

    async list(orgId: string, kind: JobKind, limit: number): Promise<Job[]> {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('kind', '=', kind)
        .where('state', '!=', 'preparing')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toJob);
    },

    /**
     * Leases the oldest job that is queued, or running under a lease that ran out, to
     * `leaseToken` until `lockedUntil`. One job per call; a job another runner holds is skipped.
     */
    async claimNext(now: Date, lockedUntil: Date, leaseToken: string): Promise<Job | undefined> {
      const claimable = (w: ExpressionBuilder<Database, 'jobs'>) => w.or([w('state', '=', 'queued'), w.and([w('state', '=', 'running'), w('locked_until', '<=', now)])]);
      const claim = { state: 'running' as const, lease_token: leaseToken, locked_until: lockedUntil, updated_at: now };
      if (isPostgres(db)) {
        // A locking CTE is evaluated once (see outbox-repo's claimDue): exactly one job claimed.
        const row = await db
          .with('next', (qb) => qb.selectFrom('jobs').select('id').where(claimable).orderBy('created_at').limit(1).forUpdate().skipLocked())
          .updateTable('jobs')
          .set(claim)
          .from('next')
          .whereRef('jobs.id', '=', 'next.id')
          .returningAll('jobs')
          .executeTakeFirst();
        return row && toJob(row);
      }
      // SQLite has one writer: this single UPDATE is atomic, and repeating the conditions
      // outside the subquery makes a job another runner just took unclaimable.
      const row = await db
        .updateTable('jobs')
        .set(claim)
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('jobs as next')
            .select('next.id')
            .where((w) => w.or([w('next.state', '=', 'queued'), w.and([w('next.state', '=', 'running'), w('next.locked_until', '<=', now)])]))
            .orderBy('next.created_at')
            .limit(1),
        )
        .where(claimable)
        .returningAll()
        .executeTakeFirst();
      return row && toJob(row);
    },

    /** Records progress and extends the lease; false when the lease is lost or the job cancelled. */
    recordProgress(id: string, leaseToken: string, now: Date, progress: { processedRows: number; outcomes: JobOutcomes; lockedUntil: Date }): Promise<boolean> {
      return updateUnderLease(id, leaseToken, now, {
        processed_rows: progress.processedRows,
        outcomes: JSON.stringify(progress.outcomes),
        locked_until: progress.lockedUntil,
        updated_at: now,
      });
    },

    finish(id: string, leaseToken: string, now: Date, end: { state: 'completed' | 'failed'; processedRows: number; outcomes: JobOutcomes; error?: string }): Promise<boolean> {
      return updateUnderLease(id, leaseToken, now, {
        state: end.state,
        processed_rows: end.processedRows,
        outcomes: JSON.stringify(end.outcomes),
        error: end.error ?? null,
        lease_token: null,
        locked_until: null,
        updated_at: now,
        finished_at: now,
      });
    },

    /** Hands a running job back to the queue (its runner is stopping), to resume where it stopped. */
    release(id: string, leaseToken: string, now: Date, progress: { processedRows: number; outcomes: JobOutcomes }): Promise<boolean> {
      return updateUnderLease(id, leaseToken, now, {
        state: 'queued',
        processed_rows: progress.processedRows,
        outcomes: JSON.stringify(progress.outcomes),
        lease_token: null,
        locked_until: null,
        updated_at: now,
      });
    },

    /** Stops a job that has not finished; its runner notices at its next progress record. */
    async cancel(orgId: string, kind: JobKind, id: string, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('jobs')
        .set({ state: 'cancelled', lease_token: null, locked_until: null, updated_at: now, finished_at: now })
        .where('org_id', '=', orgId)
        .where('kind', '=', kind)
        .where('id', '=', id)
        .where('state', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Empties the imported hashes of a job's rows that will never run (it was cancelled). */
    async dropWaitingHashes(jobId: string): Promise<void> {
      await db.updateTable('job_rows').set({ imported_hash: null }).where('job_id', '=', jobId).where('imported_hash', 'is not', null).execute();
    },

    /** The outcome counts of the rows done so far (a resumed job starts from these). */
    async countOutcomes(jobId: string): Promise<{ processedRows: number; outcomes: JobOutcomes }> {
      const rows = await db
        .selectFrom('job_rows')
        .select(['outcome', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('job_id', '=', jobId)
        .where('outcome', 'is not', null)
        .groupBy('outcome')
        .execute();
      const outcomes: JobOutcomes = {};
      let processedRows = 0;
      for (const row of rows) {
        outcomes[row.outcome as string] = Number(row.n);
        processedRows += Number(row.n);
      }
      return { processedRows, outcomes };
    },

    /** The next rows without an outcome, in order. */
    async pendingRows(jobId: string, limit: number): Promise<JobRow[]> {
      const rows = await db.selectFrom('job_rows').selectAll().where('job_id', '=', jobId).where('outcome', 'is', null).orderBy('row_number').limit(limit).execute();
      return rows.map(toRow);
    },

    /**
     * A row's outcome, written once: false when it already has one (the row was done by a
     * runner that lost its lease), so the caller's transaction rolls back what it did. The
     * row's imported hash, used or not, goes with the decision.
     */
    async recordRow(jobId: string, rowNumber: number, result: { outcome: string; detail: string | null; userId: string | null }): Promise<boolean> {
      const changed = await db
        .updateTable('job_rows')
        .set({ outcome: result.outcome, detail: result.detail, user_id: result.userId, imported_hash: null })
        .where('job_id', '=', jobId)
        .where('row_number', '=', rowNumber)
        .where('outcome', 'is', null)
        .executeTakeFirst();
      return Number(changed.numUpdatedRows) === 1;
    },

    /** Rows in order after `afterRow`, a page at a time (the results download). */
    async rowsAfter(jobId: string, afterRow: number, limit: number): Promise<JobRow[]> {
      const rows = await db.selectFrom('job_rows').selectAll().where('job_id', '=', jobId).where('row_number', '>', afterRow).orderBy('row_number').limit(limit).execute();
      return rows.map(toRow);
    },

    /**
     * Housekeeping: jobs whose rows were never all stored (the instance stopped mid-upload)
     * started before `preparingBefore`, and jobs that finished before `finishedBefore`, with their rows.
     */
    async deleteStale(preparingBefore: Date, finishedBefore: Date): Promise<void> {
      await db.deleteFrom('jobs').where('state', '=', 'preparing').where('created_at', '<', preparingBefore).execute();
      await db.deleteFrom('jobs').where('finished_at', '<', finishedBefore).execute();
    },
  };
}

export type JobRepo = ReturnType<typeof createJobRepo>;
