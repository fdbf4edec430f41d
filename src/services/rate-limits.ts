// Rate limits of the public onboarding forms (sign-up, asking for a new link, forgot password):
// per client address (within one organization) and per email address, counted in the AttemptLimiter (Redis when
// REDIS_URL is set, so every instance shares the counts). Every request counts, whether or
// not the email has an account, so being throttled reveals nothing.

import type { AttemptLimiter, AttemptRule } from '../security/attempt-limiter.ts';
import { sha256Hex } from '../security/tokens.ts';

export type OnboardingAction = 'sign_up' | 'resend' | 'forgot_password';

export const ONBOARDING_LIMITS: Record<OnboardingAction, { address: AttemptRule; ip: AttemptRule }> = {
  sign_up: { address: { limit: 5, windowSeconds: 60 * 60 }, ip: { limit: 50, windowSeconds: 15 * 60 } },
  resend: { address: { limit: 5, windowSeconds: 60 * 60 }, ip: { limit: 50, windowSeconds: 15 * 60 } },
  forgot_password: { address: { limit: 5, windowSeconds: 60 * 60 }, ip: { limit: 50, windowSeconds: 15 * 60 } },
};

/**
 * Counts one request, then decides: 0 when it may go ahead, or the seconds to wait when the
 * address or the client (within this organization) has used up its allowance. Counting first
 * means parallel requests cannot all slip through a check made before any of them is recorded.
 */
export async function takeOnboardingAttempt(
  limiter: AttemptLimiter,
  action: OnboardingAction,
  orgId: string,
  email: string,
  clientIp: string | undefined,
): Promise<number> {
  const rules = ONBOARDING_LIMITS[action];
  const byAddress = await limiter.take(`${action}:${orgId}:${sha256Hex(email)}`, rules.address);
  if (byAddress.retryAfterSeconds > 0) return byAddress.retryAfterSeconds;
  if (!clientIp) return 0;
  return (await limiter.take(`${action}-ip:${orgId}:${clientIp}`, rules.ip)).retryAfterSeconds;
}
