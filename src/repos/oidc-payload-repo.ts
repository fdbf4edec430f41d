// Storage for oidc-provider's models (sessions, interactions, codes, tokens, grants), always
// scoped by organization: another organization's provider cannot find a token that is not its.

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { toOptionalDate } from '../db/values.ts';

export interface StoredPayload {
  payload: Record<string, unknown>;
  consumed: boolean;
}

export interface PayloadToStore {
  payload: Record<string, unknown>;
  grantId?: string;
  userCode?: string;
  uid?: string;
  accountId?: string;
  clientId?: string;
  expiresAt: Date | null;
  /** A session saved while serving a browser's request: where it is being used from. */
  seen?: SessionSeen;
}

export interface SessionSeen {
  userAgent: string | null;
  clientAddress: string | null;
  at: Date;
}

/** A stored sign-in session, with where it was last used from (migration 0011). */
export interface StoredSession {
  id: string;
  payload: Record<string, unknown>;
  userAgent: string | null;
  clientAddress: string | null;
  lastSeenAt: Date | null;
}

// A User-Agent is the client's to choose; keep what identifies a browser, not a megabyte.
const MAX_USER_AGENT_CHARS = 512;

export function createOidcPayloadRepo(db: Kysely<Database>) {
  async function findWhere(
    orgId: string,
    model: string,
    column: 'id' | 'uid' | 'user_code',
    value: string,
    now: Date,
  ): Promise<StoredPayload | undefined> {
    const row = await db
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at', 'expires_at'])
      .where('org_id', '=', orgId)
      .where('model', '=', model)
      .where(column, '=', value)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirst();
    if (!row) return undefined;
    return { payload: JSON.parse(row.payload), consumed: row.consumed_at !== null };
  }

  return {
    async upsert(orgId: string, model: string, id: string, value: PayloadToStore): Promise<void> {
      const columns = {
        payload: JSON.stringify(value.payload),
        grant_id: value.grantId ?? null,
        user_code: value.userCode ?? null,
        uid: value.uid ?? null,
        account_id: value.accountId ?? null,
        client_id: value.clientId ?? null,
        expires_at: value.expiresAt,
        // Saved without a request to describe (none today): what was recorded stays.
        ...(value.seen && {
          user_agent: value.seen.userAgent?.slice(0, MAX_USER_AGENT_CHARS) ?? null,
          client_address: value.seen.clientAddress,
          last_seen_at: value.seen.at,
        }),
      };
      // A consumed row (a used code, an ended session) is never written back: a request that
      // read it before it was used or ended may still save its copy afterwards.
      await db
        .insertInto('oidc_payloads')
        .values({ org_id: orgId, model, id, ...columns, consumed_at: null })
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(columns).where('oidc_payloads.org_id', '=', orgId).where('oidc_payloads.consumed_at', 'is', null))
        .execute();
    },

    find: (orgId: string, model: string, id: string, now: Date) => findWhere(orgId, model, 'id', id, now),

    /**
     * The unexpired payloads stored under `id` for any of `models`, in one statement: a
     * presented access token may be a user's or an application's, and asking once per kind
     * would read the table twice on every API call.
     */
    async findAmong(orgId: string, models: readonly string[], id: string, now: Date): Promise<Map<string, StoredPayload>> {
      const rows = await db
        .selectFrom('oidc_payloads')
        .select(['model', 'payload', 'consumed_at'])
        .where('org_id', '=', orgId)
        .where('model', 'in', models)
        .where('id', '=', id)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .execute();
      return new Map(rows.map((row) => [row.model, { payload: JSON.parse(row.payload), consumed: row.consumed_at !== null }]));
    },
    findByUid: (orgId: string, model: string, uid: string, now: Date) => findWhere(orgId, model, 'uid', uid, now),
    findByUserCode: (orgId: string, model: string, userCode: string, now: Date) => findWhere(orgId, model, 'user_code', userCode, now),

    /**
     * Marks a code or refresh token used, in one conditional write: of N parallel calls exactly
     * one gets true (on PostgreSQL the others wait for its row lock, then find it consumed).
     */
    async consume(orgId: string, model: string, id: string, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('oidc_payloads')
        .set({ consumed_at: now })
        .where('org_id', '=', orgId)
        .where('model', '=', model)
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** The grant a stored code or token belongs to, consumed or not. */
    async findGrantId(orgId: string, model: string, id: string): Promise<string | undefined> {
      const row = await db.selectFrom('oidc_payloads').select('grant_id').where('org_id', '=', orgId).where('model', '=', model).where('id', '=', id).executeTakeFirst();
      return row?.grant_id ?? undefined;
    },

    /**
     * Ends a browser session, leaving a marker (consumed, nothing of the person kept) until the
     * session would have expired. oidc-provider saves the session at the end of every request:
     * deleting the row would let a request that read the session before the sign-out (a
     * prompt=none renewal in a hidden iframe, say) insert it again, and the sign-out would not
     * hold. The marker makes that save a no-op (see upsert), and find reports it consumed.
     */
    async endSession(orgId: string, id: string, now: Date): Promise<void> {
      await db
        .updateTable('oidc_payloads')
        .set({ consumed_at: now, payload: '{}', uid: null, account_id: null, grant_id: null, client_id: null, user_agent: null, client_address: null, last_seen_at: null })
        .where('org_id', '=', orgId)
        .where('model', '=', 'Session')
        .where('id', '=', id)
        .execute();
    },

    /**
     * Ends every browser session of an account (but the one whose uid is `exceptUid`) the way
     * endSession ends one: a request of a stolen session that is under way cannot save it back
     * after a password change.
     */
    async endSessionsOfAccount(orgId: string, accountId: string, now: Date, exceptUid?: string): Promise<void> {
      let query = db
        .updateTable('oidc_payloads')
        .set({ consumed_at: now, payload: '{}', uid: null, account_id: null, grant_id: null, client_id: null, user_agent: null, client_address: null, last_seen_at: null })
        .where('org_id', '=', orgId)
        .where('model', '=', 'Session')
        .where('account_id', '=', accountId);
      if (exceptUid !== undefined) query = query.where((eb) => eb.or([eb('uid', 'is', null), eb('uid', '!=', exceptUid)]));
      await query.execute();
    },

    async destroy(orgId: string, model: string, id: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('org_id', '=', orgId).where('model', '=', model).where('id', '=', id).execute();
    },

    /** Removes every artifact (codes, tokens) that a grant issued. */
    async revokeByGrantId(orgId: string, grantId: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('org_id', '=', orgId).where('grant_id', '=', grantId).execute();
    },

    /**
     * Removes a grant and everything it issued. Tokens of the grant saved afterwards are dead
     * too: the provider checks the grant exists before it honours a token.
     */
    async revokeGrant(orgId: string, grantId: string): Promise<void> {
      await db
        .deleteFrom('oidc_payloads')
        .where('org_id', '=', orgId)
        .where((eb) => eb.or([eb('grant_id', '=', grantId), eb.and([eb('model', '=', 'Grant'), eb('id', '=', grantId)])]))
        .execute();
    },

    /** Ends everything a user holds: sessions, grants, codes and tokens. */
    async revokeByAccountId(orgId: string, accountId: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('org_id', '=', orgId).where('account_id', '=', accountId).execute();
    },

    /** Ends everything a user holds but one browser session (the one changing the password). */
    async revokeByAccountIdExceptSession(orgId: string, accountId: string, sessionUid: string): Promise<void> {
      await db
        .deleteFrom('oidc_payloads')
        .where('org_id', '=', orgId)
        .where('account_id', '=', accountId)
        .where((eb) => eb.not(eb.and([eb('model', '=', 'Session'), eb('uid', '=', sessionUid)])))
        .execute();
    },

    /** Ends everything issued to an application (used when it is deleted or its secret rotates). */
    async revokeByClientId(orgId: string, clientId: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('org_id', '=', orgId).where('client_id', '=', clientId).execute();
    },

    /** A user's sign-in sessions (for My Account and administrators), in no order. */
    async listSessions(orgId: string, accountId: string, now: Date): Promise<StoredSession[]> {
      const rows = await db
        .selectFrom('oidc_payloads')
        .select(['id', 'payload', 'user_agent', 'client_address', 'last_seen_at'])
        .where('org_id', '=', orgId)
        .where('model', '=', 'Session')
        .where('account_id', '=', accountId)
        .where('consumed_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .execute();
      return rows.map((r) => ({
        id: r.id,
        payload: JSON.parse(r.payload),
        userAgent: r.user_agent,
        clientAddress: r.client_address,
        lastSeenAt: toOptionalDate(r.last_seen_at),
      }));
    },

    /**
     * Records that `id` has been seen, in one conditional insert: of N parallel calls with the same
     * model and id exactly one gets true. For single-use markers (a DPoP proof's jti) that only
     * need to outlive `expiresAt`; housekeeping deletes them after.
     */
    async insertOnce(orgId: string, model: string, id: string, expiresAt: Date): Promise<boolean> {
      const result = await db
        .insertInto('oidc_payloads')
        .values({ org_id: orgId, model, id, payload: '{}', grant_id: null, user_code: null, uid: null, account_id: null, client_id: null, expires_at: expiresAt, consumed_at: null })
        .onConflict((oc) => oc.columns(['model', 'id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async deleteExpired(now: Date): Promise<number> {
      const result = await db.deleteFrom('oidc_payloads').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type OidcPayloadRepo = ReturnType<typeof createOidcPayloadRepo>;
