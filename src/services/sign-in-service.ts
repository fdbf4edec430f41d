// Checks an email and password for the hosted sign-in page. Whatever the outcome, the same
// argon2id work is done, so an unknown email and a wrong password take the same time; and
// both get the same answer.

import type { Repos } from '../repos/index.ts';
import type { User } from '../repos/user-repo.ts';
import type { PasswordHasher } from '../security/password-hasher.ts';
import type { Clock } from '../lib/clock.ts';
import { canonicalEmail } from '../lib/email.ts';
import { randomToken } from '../security/tokens.ts';
import { isAppError } from '../errors.ts';
import type { AttemptLimiter } from '../security/attempt-limiter.ts';
import { takePasswordAttempt } from './sign-in-limits.ts';
import { auditFields, type RequestContext } from './request-context.ts';
import { assertPasswordNotOverlong, isOverlongPassword } from './password-policy.ts';

export type SignInResult =
  | { outcome: 'success'; user: User }
  /** Unknown email, wrong password, or no password set: indistinguishable by design. */
  | { outcome: 'invalid_credentials' }
  /** The password was right but the account may not sign in (pending, locked, disabled). */
  | { outcome: 'account_unavailable'; state: User['accountState'] }
  /** Too many recent failures for this email or from this address; said alike for every email. */
  | { outcome: 'throttled'; retryAfterSeconds: number }
  /** A valid temporary password: the only way on is to change it (no code before that). */
  | { outcome: 'password_change_required'; user: User }
  /** A temporary password past its expiry: an administrator must set a new one. */
  | { outcome: 'temporary_password_expired' };

/** Runs the password check; if the hasher turns it away (busy: 429), the attempt is given back. */
async function verifyOrGiveBack(attempt: { notChecked(): Promise<void> }, verify: () => Promise<boolean>): Promise<boolean> {
  try {
    return await verify();
  } catch (error) {
    if (isAppError(error) && error.code === 'request.throttled') await attempt.notChecked();
    throw error;
  }
}

export function createSignInService(deps: {
  repos: Repos;
  hasher: PasswordHasher;
  clock: Clock;
  limiter: AttemptLimiter;
  /** Waits out the growing delay of a much-guessed account (a timer; tests may watch it). */
  pause?: (ms: number) => Promise<void>;
}) {
  const { repos, hasher, clock, limiter } = deps;
  const pause = deps.pause ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // A real hash of a password nobody knows: verified against when there is nothing else to
  // verify, so the unknown-email path costs what the wrong-password path costs.
  let decoyHash: Promise<string> | undefined;
  const decoy = () => (decoyHash ??= hasher.hash(randomToken(16)));

  /**
   * An imported hash (bcrypt, PBKDF2, scrypt) or a weaker argon2id one, just verified, becomes
   * the server's argon2id: only if the row still holds the hash that was verified, so a password
   * changed meanwhile stays. When the hashing threads are too busy the upgrade waits for the next
   * sign-in; the person signs in all the same.
   */
  async function upgradeHash(orgId: string, userId: string, verifiedHash: string, password: string, now: Date): Promise<void> {
    let upgraded: string;
    try {
      upgraded = await hasher.hash(password);
    } catch (error) {
      if (isAppError(error) && error.code === 'request.throttled') return;
      throw error;
    }
    await repos.credentials.upgradePasswordHash(orgId, userId, verifiedHash, upgraded, now);
  }

  return {
    /**
     * A signed-in user proving their current password (to change it): wrong guesses count
     * against the same allowance as failed sign-ins, so a stolen token cannot be used to guess
     * the password faster than the sign-in page allows.
     */
    async confirmPassword(user: User, password: string, ctx: RequestContext): Promise<{ outcome: 'confirmed' | 'wrong' } | { outcome: 'throttled'; retryAfterSeconds: number }> {
      assertPasswordNotOverlong(password);
      const attempt = await takePasswordAttempt(limiter, user.orgId, user.userName, ctx.clientIp);
      if (attempt.outcome === 'throttled') return attempt;
      if (attempt.delayMs > 0) await pause(attempt.delayMs);
      const credential = await repos.credentials.findPassword(user.orgId, user.id);
      if (credential && (await verifyOrGiveBack(attempt, () => hasher.verify(credential.passwordHash, password)))) {
        await attempt.succeeded();
        return { outcome: 'confirmed' };
      }
      await repos.audit.record({
        ...auditFields({ ...ctx, actor: { type: 'user', id: user.id } }),
        orgId: user.orgId,
        occurredAt: clock.now(),
        action: 'password.confirmation_failed',
        targetType: 'user',
        targetId: user.id,
      });
      return { outcome: 'wrong' };
    },

    async authenticate(orgId: string, email: string, password: string, ctx: RequestContext): Promise<SignInResult> {
      const userName = canonicalEmail(email);
      const attempt = await takePasswordAttempt(limiter, orgId, userName, ctx.clientIp);
      if (attempt.outcome === 'throttled') {
        await repos.audit.record({ ...auditFields(ctx), orgId, occurredAt: clock.now(), action: 'sign_in.throttled', after: { retryAfterSeconds: attempt.retryAfterSeconds } });
        return attempt;
      }
      if (attempt.delayMs > 0) await pause(attempt.delayMs);

      const user = await repos.users.findByUserName(orgId, userName);
      const credential = user && (await repos.credentials.findPassword(orgId, user.id));
      // No password that long is ever set, so it is simply wrong; and it is not hashed, since
      // argon2id's work grows with the input (a cheap way to load the server otherwise).
      const passwordMatches =
        !isOverlongPassword(password) && (await verifyOrGiveBack(attempt, async () => hasher.verify(credential?.passwordHash ?? (await decoy()), password)));
      const now = clock.now();

      if (!user || !credential || !passwordMatches) {
        await repos.audit.record({
          ...auditFields(ctx),
          orgId,
          occurredAt: now,
          action: 'sign_in.failed',
          targetType: user ? 'user' : null,
          targetId: user?.id ?? null,
        });
        return { outcome: 'invalid_credentials' };
      }
      // The password is right: whatever follows, this attempt was no guess.
      await attempt.succeeded();
      if (user.accountState !== 'active') {
        await repos.audit.record({
          ...auditFields(ctx),
          orgId,
          occurredAt: now,
          action: 'sign_in.refused',
          targetType: 'user',
          targetId: user.id,
          after: { accountState: user.accountState },
        });
        return { outcome: 'account_unavailable', state: user.accountState };
      }
      if (hasher.needsRehash(credential.passwordHash)) await upgradeHash(orgId, user.id, credential.passwordHash, password, now);
      if (credential.isTemporary) {
        const expired = credential.expiresAt !== null && credential.expiresAt.getTime() <= now.getTime();
        await repos.audit.record({ ...auditFields({ ...ctx, actor: { type: 'user', id: user.id } }), orgId, occurredAt: now, action: expired ? 'sign_in.temporary_password_expired' : 'sign_in.password_change_required', targetType: 'user', targetId: user.id });
        return expired ? { outcome: 'temporary_password_expired' } : { outcome: 'password_change_required', user };
      }
      await repos.audit.record({ ...auditFields({ ...ctx, actor: { type: 'user', id: user.id } }), orgId, occurredAt: now, action: 'sign_in.succeeded', targetType: 'user', targetId: user.id });
      return { outcome: 'success', user };
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
