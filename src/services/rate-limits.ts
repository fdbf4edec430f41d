// Rate limits of the public onboarding forms (sign-up, asking for a new link, forgot password):
// per client address and per email address, counted in the AttemptLimiter (Redis when
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
 * Counts one request; returns 0 when it may go ahead, or the seconds to wait when either the
 * address or the client has used up its allowance (the refused request is not counted).
 */
export async function takeOnboardingAttempt(
  limiter: AttemptLimiter,
  action: OnboardingAction,
  orgId: string,
  email: string,
  clientIp: string | undefined,
): Promise<number> {
  const rules = ONBOARDING_LIMITS[action];
  const addressKey = `${action}:${orgId}:${sha256Hex(email)}`;
  const ipKey = clientIp ? `${action}-ip:${clientIp}` : undefined;
  const wait = Math.max(await limiter.retryAfter(addressKey, rules.address), ipKey ? await limiter.retryAfter(ipKey, rules.ip) : 0);
  if (wait > 0) return wait;
  await limiter.recordFailure(addressKey, rules.address);
  if (ipKey) await limiter.recordFailure(ipKey, rules.ip);
  return 0;
}
