// A user's sign-in sessions at the organization's provider: listed for My Account and for the
// user's administrators (with the device, browser and address each was last used from), and
// ended one at a time (with every grant, and so every token, that the session handed out) or
// all at once.

import type { Repos } from '../repos/index.ts';
import type { StoredSession } from '../repos/oidc-payload-repo.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../errors.ts';
import { auditFields, type RequestContext } from './request-context.ts';
import { assertMayActOnAccount } from './account-privileges.ts';
import { sha256Hex } from '../security/tokens.ts';
import { describeUserAgent, type DeviceDescription } from '../lib/user-agent.ts';

export interface SessionSummary extends DeviceDescription {
  id: string;
  signedInAt: Date | null;
  expiresAt: Date | null;
  /** When and from which address the session was last used (a browser request carrying it). */
  lastSeenAt: Date | null;
  clientAddress: string | null;
  /** Applications the session has signed in to. */
  applications: Array<{ clientId: string; name: string }>;
  /** The session the caller's own token came from. */
  current: boolean;
}

interface SessionPayload {
  uid?: string;
  loginTs?: number;
  exp?: number;
  authorizations?: Record<string, { grantId?: string }>;
}

const fromEpoch = (seconds: number | undefined) => (typeof seconds === 'number' ? new Date(seconds * 1000) : null);

/**
 * The id a session is shown and ended by. Never the stored id: that is the value of the
 * browser's session cookie, which no page should hold. The provider's session uid names the
 * session without being able to stand in for the cookie.
 */
function publicSessionId(storedId: string, payload: SessionPayload): string {
  return payload.uid ?? sha256Hex(storedId).slice(0, 32);
}

export function createSessionService(deps: { repos: Repos; clock: Clock }) {
  const { repos, clock } = deps;

  async function summaries(orgId: string, sessions: StoredSession[], currentSessionUid?: string): Promise<SessionSummary[]> {
    const applications = new Map((await repos.applications.listForOrganization(orgId)).map((a) => [a.id, a.name]));
    return sessions
      .map(({ id, payload, userAgent, clientAddress, lastSeenAt }) => {
        const session = payload as SessionPayload;
        return {
          id: publicSessionId(id, session),
          signedInAt: fromEpoch(session.loginTs),
          expiresAt: fromEpoch(session.exp),
          lastSeenAt,
          clientAddress,
          ...describeUserAgent(userAgent),
          applications: Object.keys(session.authorizations ?? {}).map((clientId) => ({ clientId, name: applications.get(clientId) ?? clientId })),
          current: currentSessionUid !== undefined && session.uid === currentSessionUid,
        };
      })
      .sort((a, b) => (b.signedInAt?.getTime() ?? 0) - (a.signedInAt?.getTime() ?? 0));
  }

  /** Ends one session and what its grants issued, in one transaction with its audit record. */
  async function endSession(orgId: string, userId: string, sessionId: string, ctx: RequestContext, notFound: string): Promise<void> {
    const session = (await repos.oidcPayloads.listSessions(orgId, userId, clock.now())).find((s) => publicSessionId(s.id, s.payload as SessionPayload) === sessionId);
    if (!session) throw new AppError('request.not_found', notFound);
    const grants = Object.values((session.payload as SessionPayload).authorizations ?? {})
      .map((a) => a.grantId)
      .filter((g): g is string => typeof g === 'string');
    await repos.transaction(async (tx) => {
      for (const grantId of grants) await tx.oidcPayloads.revokeByGrantId(orgId, grantId);
      // Ended, not deleted: a request of that browser already under way cannot save it back.
      await tx.oidcPayloads.endSession(orgId, session.id, clock.now());
      await tx.audit.record({ ...auditFields(ctx), orgId, occurredAt: clock.now(), action: 'session.revoked', targetType: 'user', targetId: userId });
    });
  }

  async function managedUser(orgId: string, userId: string) {
    const user = await repos.users.findById(orgId, userId);
    if (!user) throw new AppError('user.not_found', `No user with id "${userId}"`);
    return user;
  }

  return {
    /** `currentSessionUid`: the session uid of the caller's token, to mark that session. */
    async listSessions(orgId: string, userId: string, currentSessionUid?: string): Promise<SessionSummary[]> {
      return summaries(orgId, await repos.oidcPayloads.listSessions(orgId, userId, clock.now()), currentSessionUid);
    },

    revokeSession(orgId: string, userId: string, sessionId: string, ctx: RequestContext): Promise<void> {
      return endSession(orgId, userId, sessionId, ctx, `No session "${sessionId}" of yours`);
    },

    // --- an administrator's view of another user's sessions ------------------------------------

    async listUserSessions(orgId: string, userId: string): Promise<SessionSummary[]> {
      await managedUser(orgId, userId);
      return summaries(orgId, await repos.oidcPayloads.listSessions(orgId, userId, clock.now()));
    },

    async revokeUserSession(orgId: string, userId: string, sessionId: string, ctx: RequestContext): Promise<void> {
      const user = await managedUser(orgId, userId);
      await assertMayActOnAccount(repos, orgId, ctx, user, 'end-sessions');
      await endSession(orgId, userId, sessionId, ctx, `The user has no session "${sessionId}" (it may have ended already)`);
    },

    /** Every session, grant and token of the user, in one statement: nothing half-ended. */
    async revokeAllUserSessions(orgId: string, userId: string, ctx: RequestContext): Promise<{ ended: number }> {
      const user = await managedUser(orgId, userId);
      await assertMayActOnAccount(repos, orgId, ctx, user, 'end-sessions');
      return repos.transaction(async (tx) => {
        const ended = (await tx.oidcPayloads.listSessions(orgId, userId, clock.now())).length;
        // Sessions ended as markers (as a sign-out ends one), then everything else deleted.
        await tx.oidcPayloads.endSessionsOfAccount(orgId, userId, clock.now());
        await tx.oidcPayloads.revokeByAccountId(orgId, userId);
        await tx.audit.record({ ...auditFields(ctx), orgId, occurredAt: clock.now(), action: 'user.sessions_revoked', targetType: 'user', targetId: userId, after: { ended } });
        return { ended };
      });
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
