// NIST SP 800-63B style: length, not composition. Long passphrases are welcome and never
// truncated; the obvious guesses (common passwords, the organization's name, the user's own
// email) are refused with a message that names the rule.

import { AppError } from '../errors.ts';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

const COMMON_PASSWORDS = new Set([
  '12345678', '123456789', '1234567890', 'password', 'password1', 'password123', 'qwertyuiop', 'qwerty123',
  'iloveyou', 'admin123', 'welcome1', 'welcome123', 'letmein1', 'sunshine', 'football', 'baseball',
  'princess', 'abc12345', 'passw0rd', '11111111', '00000000', '87654321', 'changeme', 'trustno1',
]);

export interface PasswordContext {
  email: string;
  organizationName: string;
  /** The organization's minimum (8 to 64); MIN_PASSWORD_LENGTH when not given. */
  minLength?: number;
}

/** Returns the first rule the password breaks, or undefined when it is acceptable. */
export function passwordProblem(password: string, context: PasswordContext): string | undefined {
  const length = [...password].length;
  const minLength = context.minLength ?? MIN_PASSWORD_LENGTH;
  if (length < minLength) return `Password must be at least ${minLength} characters long`;
  if (length > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) return 'Password is too common; choose one that is harder to guess';
  const localPart = context.email.split('@')[0] ?? '';
  if (lowered === context.email.toLowerCase() || (localPart.length >= 4 && lowered.includes(localPart.toLowerCase()))) {
    return 'Password must not contain your email address';
  }
  const orgName = context.organizationName.toLowerCase().replace(/\s+/g, '');
  if (orgName.length >= 4 && lowered.replace(/\s+/g, '').includes(orgName)) {
    return 'Password must not contain the organization name';
  }
  return undefined;
}

export function assertPasswordAcceptable(password: string, context: PasswordContext): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new AppError('password.policy', problem, { details: { field: 'password' } });
}
