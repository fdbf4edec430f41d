// Background jobs over many users (issue 14): a bulk import of customers (items 3 and 4), one
// row per line of its file, or a bulk action on users (item 6), one row per user. Every row is
// stored before the job is queued, so the run (services/background-jobs.ts) can be picked up by
// any instance, and resumes after a crash where it stopped: a row's outcome is written in the
// same transaction as what the row does, so a row is never done twice or half done.
//
// Rows keep their input (JSON) and what became of it. An imported password hash waits in
// its own column, emptied in the transaction that decides the row (and for every row when the
// import is cancelled), so no hash outlives its import in this table; offline invitation links
// are issued when the results are downloaded, never stored.

import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    // What the job was asked to do, by kind (JSON): an import's file name, dry run and delivery;
    // a bulk action's action and group.
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('total_rows', 'integer', (c) => c.notNull())
    .addColumn('processed_rows', 'integer', (c) => c.notNull())
    // Outcome counts: JSON object outcome -> number, rewritten with each batch.
    .addColumn('outcomes', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    // The running instance's lease: a lease that runs out (a crashed instance) lets another
    // instance take the job over and resume it.
    .addColumn('lease_token', 'text')
    .addColumn('locked_until', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('finished_at', t.timestamp)
    .addCheckConstraint('jobs_kind_check', sql`kind in ('import', 'bulk_action')`)
    .addCheckConstraint('jobs_state_check', sql`state in ('preparing', 'queued', 'running', 'completed', 'failed', 'cancelled')`)
    .execute();
  await db.schema.createIndex('jobs_org_kind_created_idx').on('jobs').columns(['org_id', 'kind', 'created_at']).execute();
  await db.schema.createIndex('jobs_state_idx').on('jobs').columns(['state', 'created_at']).execute();

  await db.schema
    .createTable('job_rows')
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('row_number', 'integer', (c) => c.notNull())
    // The row as read (JSON), without its password hash.
    .addColumn('input', 'text', (c) => c.notNull())
    // The imported hash in its stored form (security/imported-hash.ts) until the row is decided.
    .addColumn('imported_hash', 'text')
    // An import's created | invited | skipped | invalid (would_create | would_invite in a dry
    // run); a bulk action's done | unchanged | refused | not_found.
    .addColumn('outcome', 'text')
    .addColumn('detail', 'text')
    .addColumn('user_id', 'text')
    .addPrimaryKeyConstraint('job_rows_pkey', ['job_id', 'row_number'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
