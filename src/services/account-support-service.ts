// What an administrator does for a customer who is stuck (issue 14 item 8): see whether failed
// sign-ins lock them out and until when, clear that, and mail them a password-reset link.
// Ending their sessions is session-service's. Each action follows the privileged-account rules
// (account-privileges.ts) and leaves an audit record naming actor, target and request.

import type { Repos } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { User } from '../repos/user-repo.ts';
import type { AttemptLimiter } from '../security/attempt-limiter.ts';
import type { Clock } from '../lib/clock.ts';
import type { OnboardingService } from './onboarding-service.ts';
import { AppError } from '../errors.ts';
import { assertMayActOnAccount } from './account-privileges.ts';
import { auditFields, type RequestContext } from './request-context.ts';
import { clearSignInLockout, signInLockout, type SignInLockout } from './sign-in-limits.ts';

export interface LockoutStatus extends SignInLockout {
  /** Refused from at least one address, or from all. */
  locked: boolean;
  /** The latest moment any of the refusals ends (null when not locked). */
  lockedUntil: Date | null;
}

function statusOf(lockout: SignInLockout): LockoutStatus {
  const ends = [lockout.account?.until, ...lockout.addresses.map((a) => a.until)].filter((d): d is Date => d !== undefined);
  const lockedUntil = ends.length ? new Date(Math.max(...ends.map((d) => d.getTime()))) : null;
  return { ...lockout, locked: lockedUntil !== null, lockedUntil };
}

export function createAccountSupportService(deps: { repos: Repos; clock: Clock; limiter: AttemptLimiter; onboarding: OnboardingService }) {
  const { repos, clock, limiter, onboarding } = deps;

  async function managedUser(orgId: string, userId: string): Promise<User> {
    const user = await repos.users.findById(orgId, userId);
    if (!user) throw new AppError('user.not_found', `No user with id "${userId}"`);
    return user;
  }

  return {
    async lockoutStatus(orgId: string, userId: string): Promise<LockoutStatus> {
      const user = await managedUser(orgId, userId);
      return statusOf(await signInLockout(limiter, orgId, user.userName, clock.now()));
    },

    /** Forgets the account's failed sign-ins on every instance sharing the store; answers what was cleared. */
    async clearLockout(orgId: string, userId: string, ctx: RequestContext): Promise<LockoutStatus> {
      const user = await managedUser(orgId, userId);
      await assertMayActOnAccount(repos, orgId, ctx, user, 'clear-lockout');
      const before = statusOf(await signInLockout(limiter, orgId, user.userName, clock.now()));
      await clearSignInLockout(limiter, orgId, user.userName);
      await repos.audit.record({
        ...auditFields(ctx),
        orgId,
        occurredAt: clock.now(),
        action: 'user.sign_in_lockout_cleared',
        targetType: 'user',
        targetId: user.id,
        before: { locked: before.locked, lockedUntil: before.lockedUntil, lockedAddresses: before.addresses.length, accountFailures: before.accountFailures },
      });
      return before;
    },

    /**
     * Mails the reset link that "forgot password" mails (same link, template and outbox), for
     * an active account: a pending one is re-invited instead, and a locked or disabled one must
     * be unlocked first, so a reset is never a way around either.
     */
    async sendPasswordReset(organization: Organization, userId: string, ctx: RequestContext): Promise<{ mailId: string }> {
      return repos.transaction(async (tx) => {
        const user = await tx.users.findById(organization.id, userId);
        if (!user) throw new AppError('user.not_found', `No user with id "${userId}"`);
        await assertMayActOnAccount(tx, organization.id, ctx, user, 'send-password-reset');
        if (user.accountState !== 'active') {
          const hint = user.accountState === 'pending' ? 'resend the invitation instead' : 'unlock the account first';
          throw new AppError('user.not_active', `A password reset goes to active accounts only; this one is ${user.accountState}: ${hint}`, {
            details: { accountState: user.accountState },
          });
        }
        const mailId = await onboarding.sendPasswordReset(tx, organization, user);
        await tx.audit.record({
          ...auditFields(ctx),
          orgId: organization.id,
          occurredAt: clock.now(),
          action: 'user.password_reset_sent',
          targetType: 'user',
          targetId: user.id,
          after: { mailId },
        });
        return { mailId };
      });
    },
  };
}

export type AccountSupportService = ReturnType<typeof createAccountSupportService>;
