// Forgot password: anyone may ask for a reset link for an address; the answer and the work are
// the same whether or not it has an account (a transaction with an audit record either way;
// the mail, when there is an account, is one more row in it). Completing a reset sets the
// password through password-service.ts, which ends every session and refresh token of the user.

import type { Repos } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { User } from '../repos/user-repo.ts';
import type { AttemptLimiter } from '../security/attempt-limiter.ts';
import type { Clock } from '../lib/clock.ts';
import type { OnboardingService, PublicRequestResult } from './onboarding-service.ts';
import type { PasswordService } from './password-service.ts';
import { canonicalEmail, isValidEmail } from '../lib/email.ts';
import { takeOnboardingAttempt } from './rate-limits.ts';
import { auditFields, type RequestContext } from './request-context.ts';

export function createRecoveryService(deps: { repos: Repos; clock: Clock; limiter: AttemptLimiter; onboarding: OnboardingService; passwords: PasswordService }) {
  const { repos, clock, limiter, onboarding, passwords } = deps;

  return {
    async requestReset(organization: Organization, email: string, ctx: RequestContext): Promise<PublicRequestResult> {
      const userName = canonicalEmail(email);
      const wait = await takeOnboardingAttempt(limiter, 'forgot_password', organization.id, userName, ctx.clientIp);
      if (wait > 0) return { outcome: 'throttled', retryAfterSeconds: wait };
      await repos.transaction(async (tx) => {
        const user = isValidEmail(userName) ? await tx.users.findByUserName(organization.id, userName) : undefined;
        // Pending accounts (invited, or registered and unverified) may recover too: the link
        // proves the address. Locked and disabled ones get nothing.
        const eligible = user && (user.accountState === 'active' || user.accountState === 'pending');
        const mailId = eligible ? await onboarding.sendPasswordReset(tx, organization, user) : undefined;
        await tx.audit.record({
          ...auditFields(ctx),
          orgId: organization.id,
          occurredAt: clock.now(),
          action: 'user.password_reset_requested',
          targetType: user ? 'user' : null,
          targetId: user?.id ?? null,
          after: { mailed: mailId !== undefined },
        });
      });
      return { outcome: 'accepted' };
    },

    resetUser(organization: Organization, token: string): Promise<User> {
      return passwords.linkedUser(organization, token, 'reset_password');
    },

    completeReset(organization: Organization, token: string, password: string, ctx: RequestContext): Promise<User> {
      return passwords.setPasswordWithLink(organization, token, password, ctx, 'reset_password');
    },
  };
}

export type RecoveryService = ReturnType<typeof createRecoveryService>;
