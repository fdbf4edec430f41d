// Bulk imports of customers (issue 14 items 3 and 4): one `imports` row per uploaded file, and
// one `import_rows` row per line of it. The upload stores every row before the import is
// queued, so the background run (services/import-runner.ts) can be picked up by any instance,
// and resumes after a crash where it stopped: a row's outcome is written in the same
// transaction as the user it creates, so a row is never done twice or half done.
//
// Rows keep what the file said (JSON) and what became of it. An imported password hash waits in
// its own column, emptied in the transaction that decides the row (and for every row when the
// import is cancelled), so no hash outlives its import in this table; offline invitation links
// are issued when the results are downloaded, never stored.

import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('file_name', 'text')
    .addColumn('dry_run', t.boolean, (c) => c.notNull())
    .addColumn('delivery', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('total_rows', 'integer', (c) => c.notNull())
    .addColumn('processed_rows', 'integer', (c) => c.notNull())
    // Outcome counts: JSON object outcome -> number, rewritten with each batch.
    .addColumn('outcomes', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    // The running instance's lease: a lease that runs out (a crashed instance) lets another
    // instance take the import over and resume it.
    .addColumn('lease_token', 'text')
    .addColumn('locked_until', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('finished_at', t.timestamp)
    .addCheckConstraint('imports_state_check', sql`state in ('uploading', 'queued', 'running', 'completed', 'failed', 'cancelled')`)
    .addCheckConstraint('imports_delivery_check', sql`delivery in ('email', 'link', 'none')`)
    .execute();
  await db.schema.createIndex('imports_org_created_idx').on('imports').columns(['org_id', 'created_at']).execute();
  await db.schema.createIndex('imports_state_idx').on('imports').columns(['state', 'created_at']).execute();

  await db.schema
    .createTable('import_rows')
    .addColumn('import_id', 'text', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('row_number', 'integer', (c) => c.notNull())
    // The row as read (JSON), without its password hash.
    .addColumn('input', 'text', (c) => c.notNull())
    // The imported hash in its stored form (security/imported-hash.ts) until the row is decided.
    .addColumn('imported_hash', 'text')
    // created | invited | skipped | invalid, or would_create | would_invite for a dry run.
    .addColumn('outcome', 'text')
    .addColumn('detail', 'text')
    .addColumn('user_id', 'text')
    .addPrimaryKeyConstraint('import_rows_pkey', ['import_id', 'row_number'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
