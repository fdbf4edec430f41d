// Idempotency keys (migration 0010). A key is claimed by one conditional INSERT (the primary
// key decides between parallel requests, on any number of instances); the claimer holds a
// lease and alone may record the answer or give the key back. Nothing here knows HTTP or
// crypto: the service hands in digests and an already encrypted body.

import type { Kysely, Selectable } from 'kysely';
import type { Database, IdempotencyKeysTable } from '../db/schema.ts';
import { toDate, toOptionalDate } from '../db/values.ts';

export interface IdempotencyKeyRef {
  orgId: string;
  scope: string;
  keyHash: string;
}

export interface NewIdempotencyClaim extends IdempotencyKeyRef {
  fingerprint: string;
  leaseToken: string;
  lockedUntil: Date;
  createdAt: Date;
  expiresAt: Date;
}

export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyRecord extends IdempotencyKeyRef {
  fingerprint: string;
  state: 'running' | 'done';
  lockedUntil: Date | null;
  answer: StoredAnswer | null;
  createdAt: Date;
  expiresAt: Date;
}

function toRecord(row: Selectable<IdempotencyKeysTable>): IdempotencyRecord {
  return {
    orgId: row.org_id,
    scope: row.scope,
    keyHash: row.key_hash,
    fingerprint: row.fingerprint,
    state: row.state,
    lockedUntil: toOptionalDate(row.locked_until),
    answer:
      row.state === 'done' && row.response_status !== null
        ? { status: row.response_status, headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string>, body: row.response_body ?? '' }
        : null,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
  };
}

export function createIdempotencyRepo(db: Kysely<Database>) {
  const byRef = (ref: IdempotencyKeyRef) =>
    db.selectFrom('idempotency_keys').selectAll().where('org_id', '=', ref.orgId).where('scope', '=', ref.scope).where('key_hash', '=', ref.keyHash);

  return {
    /**
     * Claims the key for a new request. True when this call inserted the row (the caller runs
     * the request); false when the key is already known (read it with `find`). An expired row
     * of the same key is removed first, so a key may be used again once its day is over.
     */
    async claim(claim: NewIdempotencyClaim): Promise<boolean> {
      await db
        .deleteFrom('idempotency_keys')
        .where('org_id', '=', claim.orgId)
        .where('scope', '=', claim.scope)
        .where('key_hash', '=', claim.keyHash)
        .where('expires_at', '<=', claim.createdAt)
        .execute();
      const result = await db
        .insertInto('idempotency_keys')
        .values({
          org_id: claim.orgId,
          scope: claim.scope,
          key_hash: claim.keyHash,
          fingerprint: claim.fingerprint,
          state: 'running',
          lease_token: claim.leaseToken,
          locked_until: claim.lockedUntil,
          created_at: claim.createdAt,
          expires_at: claim.expiresAt,
        })
        .onConflict((oc) => oc.columns(['org_id', 'scope', 'key_hash']).doNothing())
        .returning('key_hash')
        .executeTakeFirst();
      return result !== undefined;
    },

    async find(ref: IdempotencyKeyRef): Promise<IdempotencyRecord | undefined> {
      const row = await byRef(ref).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    /**
     * Takes over a running key whose lease ran out (its request's instance went away), with the
     * same fingerprint. One conditional UPDATE: of parallel retries only one gets it.
     */
    async takeOver(ref: IdempotencyKeyRef, fingerprint: string, now: Date, leaseToken: string, lockedUntil: Date): Promise<boolean> {
      const result = await db
        .updateTable('idempotency_keys')
        .set({ lease_token: leaseToken, locked_until: lockedUntil })
        .where('org_id', '=', ref.orgId)
        .where('scope', '=', ref.scope)
        .where('key_hash', '=', ref.keyHash)
        .where('state', '=', 'running')
        .where('fingerprint', '=', fingerprint)
        .where('locked_until', '<=', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Records the answer of the lease holder's request; false when the lease was lost. */
    async complete(ref: IdempotencyKeyRef, leaseToken: string, answer: StoredAnswer): Promise<boolean> {
      const result = await db
        .updateTable('idempotency_keys')
        .set({
          state: 'done',
          lease_token: null,
          locked_until: null,
          response_status: answer.status,
          response_headers: JSON.stringify(answer.headers),
          response_body: answer.body,
        })
        .where('org_id', '=', ref.orgId)
        .where('scope', '=', ref.scope)
        .where('key_hash', '=', ref.keyHash)
        .where('lease_token', '=', leaseToken)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Gives the key back (the request failed and changed nothing): a retry runs afresh. */
    async release(ref: IdempotencyKeyRef, leaseToken: string): Promise<void> {
      await db
        .deleteFrom('idempotency_keys')
        .where('org_id', '=', ref.orgId)
        .where('scope', '=', ref.scope)
        .where('key_hash', '=', ref.keyHash)
        .where('lease_token', '=', leaseToken)
        .execute();
    },

    async deleteExpired(now: Date): Promise<number> {
      const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type IdempotencyRepo = ReturnType<typeof createIdempotencyRepo>;
