// A user's sign-in sessions at the organization's provider: listed for My Account, and ended
// one at a time (with every grant, and so every token, that the session handed out).

import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../errors.ts';
import { auditFields, type RequestContext } from './request-context.ts';
import { sha256Hex } from '../security/tokens.ts';

export interface SessionSummary {
  id: string;
  signedInAt: Date | null;
  expiresAt: Date | null;
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

  return {
    /** `currentSessionUid`: the session uid of the caller's token, to mark that session. */
    async listSessions(orgId: string, userId: string, currentSessionUid?: string): Promise<SessionSummary[]> {
      const sessions = await repos.oidcPayloads.listSessions(orgId, userId, clock.now());
      const applications = new Map((await repos.applications.listForOrganization(orgId)).map((a) => [a.id, a.name]));
      return sessions
        .map(({ id, payload }) => {
          const session = payload as SessionPayload;
          return {
            id: publicSessionId(id, session),
            signedInAt: fromEpoch(session.loginTs),
            expiresAt: fromEpoch(session.exp),
            applications: Object.keys(session.authorizations ?? {}).map((clientId) => ({ clientId, name: applications.get(clientId) ?? clientId })),
            current: currentSessionUid !== undefined && session.uid === currentSessionUid,
          };
        })
        .sort((a, b) => (b.signedInAt?.getTime() ?? 0) - (a.signedInAt?.getTime() ?? 0));
    },

    async revokeSession(orgId: string, userId: string, sessionId: string, ctx: RequestContext): Promise<void> {
      const session = (await repos.oidcPayloads.listSessions(orgId, userId, clock.now())).find((s) => publicSessionId(s.id, s.payload as SessionPayload) === sessionId);
      if (!session) throw new AppError('request.not_found', `No session "${sessionId}" of yours`);
      const grants = Object.values((session.payload as SessionPayload).authorizations ?? {})
        .map((a) => a.grantId)
        .filter((g): g is string => typeof g === 'string');
      await repos.transaction(async (tx) => {
        for (const grantId of grants) await tx.oidcPayloads.revokeByGrantId(orgId, grantId);
        // Ended, not deleted: a request of that browser already under way cannot save it back.
        await tx.oidcPayloads.endSession(orgId, session.id, clock.now());
        await tx.audit.record({ ...auditFields(ctx), orgId, occurredAt: clock.now(), action: 'session.revoked', targetType: 'user', targetId: userId });
      });
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
