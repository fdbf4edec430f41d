// The brute-force rules for checking a password (the sign-in page and the /Me current-password
// check), docs/security.md section 4. Every key is scoped to one organization.
//
// Three counters, each taken before the password is hashed:
// - one account from one client address: the strict limit. A stranger who guesses a known
//   user's password locks only their own address out, never the user;
// - one client address across the organization's accounts: a password spray;
// - one account from every address: a distributed guesser. Its limit is far higher (a stranger
//   would need a hundred addresses to reach it), and past a few failures each further attempt
//   waits a little longer before its answer, which slows guessing without refusing the user.

import type { AttemptLimiter, AttemptRule } from '../security/attempt-limiter.ts';
import { sha256Hex } from '../security/tokens.ts';

export const SIGN_IN_LIMITS = {
  accountFromAddress: { limit: 10, windowSeconds: 15 * 60 },
  address: { limit: 100, windowSeconds: 15 * 60 },
  account: { limit: 1000, windowSeconds: 60 * 60 },
} satisfies Record<string, AttemptRule>;

/** Failures of one account (from all addresses) answered without delay; then the delay grows. */
export const DELAY_AFTER_ACCOUNT_FAILURES = 20;
const DELAY_STEP_MS = 200;
export const MAX_SIGN_IN_DELAY_MS = 10_000;

/** The wait before the answer to the n-th attempt on one account in its window. */
export function signInDelayMs(accountAttempts: number): number {
  const beyond = accountAttempts - DELAY_AFTER_ACCOUNT_FAILURES;
  return beyond <= 0 ? 0 : Math.min(beyond * DELAY_STEP_MS, MAX_SIGN_IN_DELAY_MS);
}

export type PasswordAttempt =
  | { outcome: 'throttled'; retryAfterSeconds: number }
  | {
      outcome: 'go';
      /** Wait this long before answering (the growing delay of a guessed account). */
      delayMs: number;
      /** The password was right: the attempt was no failure. */
      succeeded(): Promise<void>;
      /**
       * The password was never checked (the server was too busy to hash it): the attempt is
       * given back, so that a burst of real users behind one address is not locked out by the
       * server's own refusals. Nothing was learnt about the password, so nothing is owed.
       */
      notChecked(): Promise<void>;
    };

/** Keyed by the submitted name whether or not the account exists, so throttling reveals nothing. */
export async function takePasswordAttempt(limiter: AttemptLimiter, orgId: string, userName: string, clientIp: string | undefined): Promise<PasswordAttempt> {
  const account = sha256Hex(userName);
  const address = clientIp ?? 'unknown-address';
  const keys = {
    accountFromAddress: `sign-in:${orgId}:${account}:${address}`,
    address: `sign-in-ip:${orgId}:${address}`,
    account: `sign-in:${orgId}:${account}`,
  };
  // In this order, stopping at the first refusal: attempts refused for one address do not count
  // against the account as a whole, so hammering from one place cannot slow the real user.
  const pair = await limiter.take(keys.accountFromAddress, SIGN_IN_LIMITS.accountFromAddress);
  if (pair.retryAfterSeconds > 0) return { outcome: 'throttled', retryAfterSeconds: pair.retryAfterSeconds };
  const spray = await limiter.take(keys.address, SIGN_IN_LIMITS.address);
  if (spray.retryAfterSeconds > 0) return { outcome: 'throttled', retryAfterSeconds: spray.retryAfterSeconds };
  const total = await limiter.take(keys.account, SIGN_IN_LIMITS.account);
  if (total.retryAfterSeconds > 0) return { outcome: 'throttled', retryAfterSeconds: total.retryAfterSeconds };
  return {
    outcome: 'go',
    delayMs: signInDelayMs(total.attempts),
    async succeeded() {
      await limiter.reset(keys.accountFromAddress, SIGN_IN_LIMITS.accountFromAddress);
      await limiter.giveBack(keys.address, SIGN_IN_LIMITS.address);
      await limiter.giveBack(keys.account, SIGN_IN_LIMITS.account);
    },
    async notChecked() {
      await limiter.giveBack(keys.accountFromAddress, SIGN_IN_LIMITS.accountFromAddress);
      await limiter.giveBack(keys.address, SIGN_IN_LIMITS.address);
      await limiter.giveBack(keys.account, SIGN_IN_LIMITS.account);
    },
  };
}
