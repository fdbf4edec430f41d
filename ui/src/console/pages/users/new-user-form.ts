// The New Customer form's rules: what each field must hold, checked before Next (so that the
// normal path never meets a 409), and the server's answers mapped back to the field they are
// about when something slipped through (a race, a rule only the server knows).

import { ApiError, errorMessage } from '../../../api/http.ts';
import { config } from '../../../config.ts';

export type Field = 'email' | 'givenName' | 'familyName' | 'password' | 'groups';
export type FieldErrors = Partial<Record<Field | 'form', string>>;

export const EMAIL_TAKEN = 'A user with this email already exists. Each username is unique in the organization: use another email.';

// The server has the final say (src/lib/email.ts); this catches typing slips early.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function emailProblem(email: string): string | undefined {
  const value = email.trim();
  if (!value) return 'Enter the customer’s email address';
  if (!EMAIL.test(value)) return 'Enter an email address like name@example.com';
  return undefined;
}

export function nameProblem(value: string, label: string): string | undefined {
  return value.trim().length > 256 ? `${label} must be at most 256 characters` : undefined;
}

/** The password policy's rules that can be checked here (src/services/password-policy.ts); the server also refuses passwords that are easy to guess (zxcvbn-ts). */
export function passwordProblem(password: string, email: string, minLength: number): string | undefined {
  if (!password) return 'Enter a temporary password';
  const length = [...password].length;
  if (length < minLength) return `Password must be at least ${minLength} characters long`;
  if (length > 256) return 'Password must be at most 256 characters long';
  const lowered = password.toLowerCase();
  const localPart = email.trim().toLowerCase().split('@')[0] ?? '';
  if (localPart.length >= 4 && lowered.includes(localPart)) return 'Password must not contain the email address';
  const orgName = config.orgName.toLowerCase().replace(/\s+/g, '');
  if (orgName.length >= 4 && lowered.replace(/\s+/g, '').includes(orgName)) return 'Password must not contain the organization name';
  return undefined;
}

export function passwordRule(minLength: number): string {
  return `At least ${minLength} characters. Not easy to guess, and not containing the email address or the organization’s name. A long phrase works well.`;
}

const FIELD_BY_SERVER_NAME: Record<string, Field> = {
  email: 'email',
  userName: 'email',
  givenName: 'givenName',
  'name.givenName': 'givenName',
  familyName: 'familyName',
  'name.familyName': 'familyName',
  password: 'password',
  groups: 'groups',
};

/** The field a failed create is about, with the server's words. */
export function submitErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return { form: errorMessage(error) };
  if (error.status === 409 || error.code === 'user.email_in_use' || error.code === 'uniqueness') return { email: EMAIL_TAKEN };
  // The management API names the field; SCIM errors only say it in words.
  const named = typeof error.details?.field === 'string' ? FIELD_BY_SERVER_NAME[error.details.field] : undefined;
  if (named) return { [named]: error.message };
  if (error.code === 'user.invalid_email') return { email: error.message };
  if (error.status === 400) {
    if (/^password/i.test(error.message)) return { password: error.message };
    if (/userName|email/i.test(error.message)) return { email: error.message };
    if (/group/i.test(error.message)) return { groups: error.message };
    if (/givenName/.test(error.message)) return { givenName: error.message };
    if (/familyName/.test(error.message)) return { familyName: error.message };
  }
  return { form: error.message };
}

/** A random temporary password: 4 groups of 5 letters and digits (about 100 bits), easy to read out. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  // Bytes past the last whole multiple of the alphabet's size are drawn again: no letter is likelier.
  const limit = 256 - (256 % alphabet.length);
  const chars: string[] = [];
  while (chars.length < 20) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) if (byte < limit && chars.length < 20) chars.push(alphabet[byte % alphabet.length]);
  }
  return [0, 5, 10, 15].map((start) => chars.slice(start, start + 5).join('')).join('-');
}
