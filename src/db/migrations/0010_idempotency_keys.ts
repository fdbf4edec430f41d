// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): one row per key a caller sent
// to a create, holding the request's fingerprint and, once it succeeded, its answer. The key
// itself is kept only as a SHA-256 digest and the answer is encrypted under a key derived from
// it (services/idempotency-service.ts): answers can carry an invitation link or a client
// secret, and the database keeps no usable link or secret in clear.

import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    // The caller (principal kind and id), the method and the path: one caller's key never
    // meets another's, nor the same key sent to another endpoint.
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    // SHA-256 of the canonical JSON of the request body.
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    // The running request's lease: only its holder records the answer; a lease that runs out
    // (a crashed instance) lets a retry take the key over.
    .addColumn('lease_token', 'text')
    .addColumn('locked_until', t.timestamp)
    .addColumn('response_status', 'integer')
    .addColumn('response_headers', 'text')
    .addColumn('response_body', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['org_id', 'scope', 'key_hash'])
    .addCheckConstraint('idempotency_keys_state_check', sql`state in ('running', 'done')`)
    .execute();
  await db.schema.createIndex('idempotency_keys_expires_idx').on('idempotency_keys').column('expires_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
