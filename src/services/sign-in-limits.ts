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

const accountKey = (orgId: string, account: string) => `sign-in:${orgId}:${account}`;
const accountFromAddressKey = (orgId: string, account: string, address: string) => `sign-in:${orgId}:${account}:${address}`;
/** The addresses an account was tried from in the strict window: to find their counters again. */
const triedFromKey = (orgId: string, account: string) => `sign-in-from:${orgId}:${account}`;

/** Keyed by the submitted name whether or not the account exists, so throttling reveals nothing. */
export async function takePasswordAttempt(limiter: AttemptLimiter, orgId: string, userName: string, clientIp: string | undefined): Promise<PasswordAttempt> {
  const account = sha256Hex(userName);
  const address = clientIp ?? 'unknown-address';
  const keys = {
    accountFromAddress: accountFromAddressKey(orgId, account, address),
    address: `sign-in-ip:${orgId}:${address}`,
    account: accountKey(orgId, account),
  };
  // In this order, stopping at the first refusal: attempts refused for one address do not count
  // against the account as a whole, so hammering from one place cannot slow the real user.
  const pair = await limiter.take(keys.accountFromAddress, SIGN_IN_LIMITS.accountFromAddress);
  await limiter.note(triedFromKey(orgId, account), address, SIGN_IN_LIMITS.accountFromAddress.windowSeconds);
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

export interface SignInLockout {
  /** Every further password check of the account is refused, from any address, until `until`. */
  account: { until: Date } | null;
  /** Addresses from which the account's password checks are refused, and until when. */
  addresses: Array<{ address: string; until: Date }>;
  /** Failures counted against the account from all addresses in the account-wide window. */
  accountFailures: number;
}

/**
 * What failed password checks hold against an account now (docs/security.md section 4). The
 * per-address counters are found through the addresses noted with them, in the same store, so
 * every instance sharing Redis sees the same answer.
 */
export async function signInLockout(limiter: AttemptLimiter, orgId: string, userName: string, now: Date): Promise<SignInLockout> {
  const account = sha256Hex(userName);
  const until = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  const total = await limiter.peek(accountKey(orgId, account), SIGN_IN_LIMITS.account);
  const addresses = await limiter.noted(triedFromKey(orgId, account));
  const counts = await Promise.all(addresses.map((address) => limiter.peek(accountFromAddressKey(orgId, account, address), SIGN_IN_LIMITS.accountFromAddress)));
  return {
    account: total && total.retryAfterSeconds > 0 ? { until: until(total.retryAfterSeconds) } : null,
    addresses: addresses
      .flatMap((address, i) => (counts[i] && counts[i].retryAfterSeconds > 0 ? [{ address, until: until(counts[i].retryAfterSeconds) }] : []))
      .sort((a, b) => b.until.getTime() - a.until.getTime()),
    accountFailures: total?.attempts ?? 0,
  };
}

/**
 * Forgets every failure counted against the account: account-wide and from each address. The
 * per-address spray counters stay (they are about the address, not this account).
 */
export async function clearSignInLockout(limiter: AttemptLimiter, orgId: string, userName: string): Promise<void> {
  const account = sha256Hex(userName);
  const addresses = await limiter.noted(triedFromKey(orgId, account));
  await Promise.all(addresses.map((address) => limiter.reset(accountFromAddressKey(orgId, account, address), SIGN_IN_LIMITS.accountFromAddress)));
  await limiter.reset(accountKey(orgId, account), SIGN_IN_LIMITS.account);
  // The noted addresses stay until they expire: forgetting them here could drop one noted by
  // a sign-in running at the same moment, whose counter would then be out of reach.
}
