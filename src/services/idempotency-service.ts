// Idempotency-Key for creates (draft-ietf-httpapi-idempotency-key-header). Decides what a
// request carrying a key gets: run (this request holds the key), the first answer again, a
// 422 for the key reused with another body, or a 409 while the first request still runs.
// Only successful answers are kept: a failed create changed nothing (every create is one
// transaction), so its key is given back and a corrected retry with the same key runs.

import { stringify } from 'safe-stable-stringify';
import type { Repos } from '../repos/index.ts';
import type { IdempotencyKeyRef, StoredAnswer } from '../repos/idempotency-repo.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../errors.ts';
import { randomToken, sha256Hex } from '../security/tokens.ts';
import { openAnswer, sealAnswer } from '../security/answer-seal.ts';

/** How long a successful answer is replayed (the draft leaves it to the server; 24 h is usual). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** How long a running request holds its key before a retry may take it over (a crashed instance). */
export const IDEMPOTENCY_LEASE_SECONDS = 120;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface IdempotentRequest {
  orgId: string;
  /** Who calls what: `{principal kind}:{principal id} {METHOD} {path}`. */
  scope: string;
  key: string;
  body: unknown;
}

/** A key this request holds: record the answer with `complete` or give it back with `release`. */
export interface IdempotencyLease {
  ref: IdempotencyKeyRef;
  key: string;
  token: string;
}

export type IdempotencyDecision = { kind: 'run'; lease: IdempotencyLease } | { kind: 'replay'; answer: StoredAnswer };

/**
 * The Idempotency-Key header's value as a key, or a 400 saying what is wrong. The draft makes
 * the value a Structured Field string (`"abc"`); a bare token is accepted too, as most clients
 * (and Stripe-style SDKs) send one.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) throw new AppError('request.invalid', 'Send one Idempotency-Key header, not several', { details: { header: 'Idempotency-Key' } });
  let key = header.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1).replace(/\\(["\\])/g, '$1');
  if (key.length === 0) throw new AppError('request.invalid', 'Idempotency-Key is empty; send a unique value such as a UUID', { details: { header: 'Idempotency-Key' } });
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new AppError('request.invalid', `Idempotency-Key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, { details: { header: 'Idempotency-Key' } });
  }
  if (!/^[\x20-\x7e]+$/.test(key)) {
    throw new AppError('request.invalid', 'Idempotency-Key may hold only printable ASCII characters', { details: { header: 'Idempotency-Key' } });
  }
  return key;
}

/** SHA-256 of the body's canonical JSON (keys sorted), so key order and spacing do not count. */
export function requestFingerprint(body: unknown): string {
  return sha256Hex(stringify(body ?? null) ?? 'null');
}

export function createIdempotencyService(deps: { repos: Repos; clock: Clock }) {
  const { repos, clock } = deps;

  return {
    async begin(request: IdempotentRequest, attempt = 1): Promise<IdempotencyDecision> {
      const ref: IdempotencyKeyRef = { orgId: request.orgId, scope: request.scope, keyHash: sha256Hex(request.key) };
      const fingerprint = requestFingerprint(request.body);
      const now = clock.now();
      const token = randomToken(16);
      const lockedUntil = new Date(now.getTime() + IDEMPOTENCY_LEASE_SECONDS * 1000);
      const lease = { ref, key: request.key, token };
      if (
        await repos.idempotency.claim({ ...ref, fingerprint, leaseToken: token, lockedUntil, createdAt: now, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_SECONDS * 1000) })
      ) {
        return { kind: 'run', lease };
      }
      const existing = await repos.idempotency.find(ref);
      // Given back (the first request failed) between our insert and our read: claim again.
      if (!existing) {
        if (attempt < 3) return this.begin(request, attempt + 1);
        throw new AppError('idempotency.in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly', { details: { header: 'Idempotency-Key', retryAfterSeconds: 1 } });
      }
      if (existing.fingerprint !== fingerprint) {
        throw new AppError('idempotency.key_reused', 'This Idempotency-Key was already used with a different request body; send a new key for a new request', {
          details: { header: 'Idempotency-Key' },
        });
      }
      if (existing.answer) {
        return { kind: 'replay', answer: { ...existing.answer, body: openAnswer(request.key, request.scope, existing.answer.body) } };
      }
      if (await repos.idempotency.takeOver(ref, fingerprint, now, token, lockedUntil)) return { kind: 'run', lease };
      throw new AppError('idempotency.in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly to get its answer', {
        details: { header: 'Idempotency-Key', retryAfterSeconds: 1 },
      });
    },

    /** Keeps a successful answer for replay; a failed one gives the key back. */
    async complete(lease: IdempotencyLease, answer: StoredAnswer): Promise<void> {
      if (answer.status >= 400) return repos.idempotency.release(lease.ref, lease.token);
      await repos.idempotency.complete(lease.ref, lease.token, { ...answer, body: sealAnswer(lease.key, lease.ref.scope, answer.body) });
    },

    async release(lease: IdempotencyLease): Promise<void> {
      await repos.idempotency.release(lease.ref, lease.token);
    },
  };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;
