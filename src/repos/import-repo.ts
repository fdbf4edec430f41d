// Bulk imports (migration 0017): the job row and its file's rows. A job is run by whichever
// instance claims it with a lease (the outbox's pattern, repos/outbox-repo.ts); only the lease
// holder records progress, and a lease that runs out (a crashed instance) makes the job
// claimable again, to resume at its first row without an outcome.

import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, ImportDelivery, ImportRowsTable, ImportState, ImportsTable } from '../db/schema.ts';
import { isPostgres } from '../db/dialect.ts';
import { toBool, toDate, toOptionalDate } from '../db/values.ts';

export type ImportOutcomes = Record<string, number>;

export interface ImportJob {
  id: string;
  orgId: string;
  actorType: string;
  actorId: string | null;
  fileName: string | null;
  dryRun: boolean;
  delivery: ImportDelivery;
  state: ImportState;
  totalRows: number;
  processedRows: number;
  outcomes: ImportOutcomes;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface ImportRow {
  importId: string;
  rowNumber: number;
  /** The row as read, as JSON. */
  input: string;
  /** An imported password hash waiting for its user (only rows not yet decided have one). */
  importedHash: string | null;
  outcome: string | null;
  detail: string | null;
  userId: string | null;
}

function toJob(row: Selectable<ImportsTable>): ImportJob {
  return {
    id: row.id,
    orgId: row.org_id,
    actorType: row.actor_type,
    actorId: row.actor_id,
    fileName: row.file_name,
    dryRun: toBool(row.dry_run),
    delivery: row.delivery,
    state: row.state,
    totalRows: row.total_rows,
    processedRows: row.processed_rows,
    outcomes: JSON.parse(row.outcomes) as ImportOutcomes,
    error: row.error,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    finishedAt: toOptionalDate(row.finished_at),
  };
}

function toRow(row: Selectable<ImportRowsTable>): ImportRow {
  return { importId: row.import_id, rowNumber: row.row_number, input: row.input, importedHash: row.imported_hash, outcome: row.outcome, detail: row.detail, userId: row.user_id };
}

export function createImportRepo(db: Kysely<Database>) {
  /** Changes a running job only for the holder of its lease, and only while that lease runs. */
  async function updateUnderLease(id: string, leaseToken: string, now: Date, changes: Partial<Record<keyof ImportsTable, unknown>>): Promise<boolean> {
    const result = await db
      .updateTable('imports')
      .set(changes as never)
      .where('id', '=', id)
      .where('state', '=', 'running')
      .where('lease_token', '=', leaseToken)
      .where('locked_until', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  return {
    async insertJob(job: Omit<ImportJob, 'processedRows' | 'outcomes' | 'error' | 'finishedAt'>): Promise<void> {
      await db
        .insertInto('imports')
        .values({
          id: job.id,
          org_id: job.orgId,
          actor_type: job.actorType,
          actor_id: job.actorId,
          file_name: job.fileName,
          dry_run: job.dryRun,
          delivery: job.delivery,
          state: job.state,
          total_rows: job.totalRows,
          processed_rows: 0,
          outcomes: '{}',
          created_at: job.createdAt,
          updated_at: job.updatedAt,
        })
        .execute();
    },

    async insertRows(rows: Array<Pick<ImportRow, 'importId' | 'rowNumber' | 'input' | 'importedHash'>>): Promise<void> {
      if (rows.length === 0) return;
      await db
        .insertInto('import_rows')
        .values(rows.map((row) => ({ import_id: row.importId, row_number: row.rowNumber, input: row.input, imported_hash: row.importedHash })))
        .execute();
    },

    /** An uploaded file, fully stored: counted and handed to the runners. */
    async queue(orgId: string, id: string, totalRows: number, now: Date): Promise<void> {
      await db.updateTable('imports').set({ state: 'queued', total_rows: totalRows, updated_at: now }).where('org_id', '=', orgId).where('id', '=', id).execute();
    },

    async deleteJob(orgId: string, id: string): Promise<void> {
      await db.deleteFrom('imports').where('org_id', '=', orgId).where('id', '=', id).execute();
    },

    async find(orgId: string, id: string): Promise<ImportJob | undefined> {
      const row = await db.selectFrom('imports').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return row && toJob(row);
    },

    async list(orgId: string, limit: number): Promise<ImportJob[]> {
      const rows = await db.selectFrom('imports').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toJob);
    },

    /**
     * Leases the oldest job that is queued, or running under a lease that ran out, to
     * `leaseToken` until `lockedUntil`. One job per call; a job another runner holds is skipped.
     */
    async claimNext(now: Date, lockedUntil: Date, leaseToken: string): Promise<ImportJob | undefined> {
      const claimable = (w: ExpressionBuilder<Database, 'imports'>) =>
        w.or([w('state', '=', 'queued'), w.and([w('state', '=', 'running'), w('locked_until', '<=', now)])]);
      const claim = { state: 'running' as const, lease_token: leaseToken, locked_until: lockedUntil, updated_at: now };
      if (isPostgres(db)) {
        // A locking CTE is evaluated once (see outbox-repo's claimDue): exactly one job claimed.
        const row = await db
          .with('next', (qb) => qb.selectFrom('imports').select('id').where(claimable).orderBy('created_at').limit(1).forUpdate().skipLocked())
          .updateTable('imports')
          .set(claim)
          .from('next')
          .whereRef('imports.id', '=', 'next.id')
          .returningAll('imports')
          .executeTakeFirst();
        return row && toJob(row);
      }
      // SQLite has one writer: this single UPDATE is atomic, and repeating the conditions
      // outside the subquery makes a job another runner just took unclaimable.
      const row = await db
        .updateTable('imports')
        .set(claim)
        .where('id', 'in', (eb) => eb.selectFrom('imports as next').select('next.id').where((w) => w.or([w('next.state', '=', 'queued'), w.and([w('next.state', '=', 'running'), w('next.locked_until', '<=', now)])])).orderBy('next.created_at').limit(1))
        .where(claimable)
        .returningAll()
        .executeTakeFirst();
      return row && toJob(row);
    },

    /** Records progress and extends the lease; false when the lease is lost or the job cancelled. */
    recordProgress(id: string, leaseToken: string, now: Date, progress: { processedRows: number; outcomes: ImportOutcomes; lockedUntil: Date }): Promise<boolean> {
      return updateUnderLease(id, leaseToken, now, {
        processed_rows: progress.processedRows,
        outcomes: JSON.stringify(progress.outcomes),
        locked_until: progress.lockedUntil,
        updated_at: now,
      });
    },

    finish(id: string, leaseToken: string, now: Date, end: { state: 'completed' | 'failed'; processedRows: number; outcomes: ImportOutcomes; error?: string }): Promise<boolean> {
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
    release(id: string, leaseToken: string, now: Date, progress: { processedRows: number; outcomes: ImportOutcomes }): Promise<boolean> {
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
    async cancel(orgId: string, id: string, now: Date): Promise<boolean> {
      // The hashes of rows that will never run leave with the cancellation.
      await db.updateTable('import_rows').set({ imported_hash: null }).where('import_id', '=', id).where('imported_hash', 'is not', null).where((eb) => eb.exists(eb.selectFrom('imports').select('imports.id').where('imports.id', '=', id).where('imports.org_id', '=', orgId).where('imports.state', 'in', ['queued', 'running']))).execute();
      const result = await db
        .updateTable('imports')
        .set({ state: 'cancelled', lease_token: null, locked_until: null, updated_at: now, finished_at: now })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('state', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** The outcome counts of the rows done so far (a resumed job starts from these). */
    async countOutcomes(importId: string): Promise<{ processedRows: number; outcomes: ImportOutcomes }> {
      const rows = await db
        .selectFrom('import_rows')
        .select(['outcome', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('import_id', '=', importId)
        .where('outcome', 'is not', null)
        .groupBy('outcome')
        .execute();
      const outcomes: ImportOutcomes = {};
      let processedRows = 0;
      for (const row of rows) {
        outcomes[row.outcome as string] = Number(row.n);
        processedRows += Number(row.n);
      }
      return { processedRows, outcomes };
    },

    /** The next rows without an outcome, in file order. */
    async pendingRows(importId: string, limit: number): Promise<ImportRow[]> {
      const rows = await db.selectFrom('import_rows').selectAll().where('import_id', '=', importId).where('outcome', 'is', null).orderBy('row_number').limit(limit).execute();
      return rows.map(toRow);
    },

    /**
     * A row's outcome, written once: false when it already has one (the row was done by a
     * runner that lost its lease), so the caller's transaction rolls back what it did. The
     * row's imported hash, used or not, goes with the decision.
     */
    async recordRow(importId: string, rowNumber: number, result: { outcome: string; detail: string | null; userId: string | null }): Promise<boolean> {
      const changed = await db
        .updateTable('import_rows')
        .set({ outcome: result.outcome, detail: result.detail, user_id: result.userId, imported_hash: null })
        .where('import_id', '=', importId)
        .where('row_number', '=', rowNumber)
        .where('outcome', 'is', null)
        .executeTakeFirst();
      return Number(changed.numUpdatedRows) === 1;
    },

    /** Rows in file order after `afterRow`, a page at a time (the results download). */
    async rowsAfter(importId: string, afterRow: number, limit: number): Promise<ImportRow[]> {
      const rows = await db.selectFrom('import_rows').selectAll().where('import_id', '=', importId).where('row_number', '>', afterRow).orderBy('row_number').limit(limit).execute();
      return rows.map(toRow);
    },

    /**
     * Housekeeping: uploads that never finished (the instance stopped mid-upload) started
     * before `uploadsBefore`, and imports that finished before `finishedBefore`, with their rows.
     */
    async deleteStale(uploadsBefore: Date, finishedBefore: Date): Promise<void> {
      await db.deleteFrom('imports').where('state', '=', 'uploading').where('created_at', '<', uploadsBefore).execute();
      await db.deleteFrom('imports').where('finished_at', '<', finishedBefore).execute();
    },
  };
}

export type ImportRepo = ReturnType<typeof createImportRepo>;
