// NIST SP 800-63B style: length, not composition. Long passphrases are welcome and never
// truncated; the obvious guesses are refused with a message that names the rule: passwords
// zxcvbn-ts scores below 3 (common passwords, keyboard walks, repeats, dates, words with
// the usual substitutions), and ones built on the organization's name or the user's email.

import { AppError } from '../errors.ts';
import { passwordGuessability } from './password-strength.ts';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

export interface PasswordContext {
  email: string;
  organizationName: string;
  /** The organization's minimum (8 to 64); MIN_PASSWORD_LENGTH when not given. */
  minLength?: number;
}

/** Too long to be worth hashing: argon2id work grows with the input, and nobody types more. */
export function isOverlongPassword(password: string): boolean {
  return [...password].length > MAX_PASSWORD_LENGTH;
}

export const OVERLONG_PASSWORD_MESSAGE = `Password must be at most ${MAX_PASSWORD_LENGTH} characters long`;

/**
 * Every rule the password breaks, in the order they are checked (empty when acceptable). An
 * overlong password stops the checks: it is not worth scoring.
 */
export function passwordProblems(password: string, context: PasswordContext): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  const minLength = context.minLength ?? MIN_PASSWORD_LENGTH;
  if (length < minLength) problems.push(`Password must be at least ${minLength} characters long`);
  if (isOverlongPassword(password)) return [OVERLONG_PASSWORD_MESSAGE];
  const lowered = password.toLowerCase();
  const localPart = context.email.split('@')[0] ?? '';
  if (lowered === context.email.toLowerCase() || (localPart.length >= 4 && lowered.includes(localPart.toLowerCase()))) {
    problems.push('Password must not contain your email address');
  }
  const orgName = context.organizationName.toLowerCase().replace(/\s+/g, '');
  if (orgName.length >= 4 && lowered.replace(/\s+/g, '').includes(orgName)) {
    problems.push('Password must not contain the organization name');
  }
  // A password already too short is not scored as well: its length says enough.
  if (length < minLength) return problems;
  const guessability = passwordGuessability(password, [context.email, localPart, context.organizationName]);
  if (guessability.tooEasy) {
    problems.push(guessability.hint ? `Password is too easy to guess: ${guessability.hint}` : 'Password is too easy to guess; choose a longer or less common one');
  }
  return problems;
}

/** Returns the first rule the password breaks, or undefined when it is acceptable. */
export function passwordProblem(password: string, context: PasswordContext): string | undefined {
  return passwordProblems(password, context)[0];
}

export function assertPasswordAcceptable(password: string, context: PasswordContext): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new AppError('password.policy', problem, { details: { field: 'password' } });
}

/** For paths that only check a password they are given (never set it): refuse the overlong before hashing. */
export function assertPasswordNotOverlong(password: string): void {
  if (isOverlongPassword(password)) throw new AppError('password.policy', OVERLONG_PASSWORD_MESSAGE, { details: { field: 'password' } });
}
