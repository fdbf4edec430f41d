// CSRF tokens for hosted forms that have no secret of their own in them: an HMAC of the form's
// subject (the interaction id) under the organization's form key. A page from another site
// cannot compute it.

import crypto from 'node:crypto';

export function formToken(key: Buffer, subject: string): string {
  return crypto.createHmac('sha256', key).update(subject).digest('base64url');
}

export function isValidFormToken(key: Buffer, subject: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(formToken(key, subject));
  const actual = Buffer.from(presented);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}
