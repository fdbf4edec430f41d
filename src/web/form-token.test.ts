import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formToken, isValidFormToken } from './form-token.ts';

const key = crypto.randomBytes(32);

describe('form tokens', () => {
  it('is a deterministic base64url HMAC-SHA256 of the subject', () => {
    const token = formToken(key, 'interaction-1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(formToken(key, 'interaction-1')).toBe(token);
    expect(token).toBe(crypto.createHmac('sha256', key).update('interaction-1').digest('base64url'));
  });

  it('differs per subject and per key', () => {
    expect(formToken(key, 'interaction-1')).not.toBe(formToken(key, 'interaction-2'));
    expect(formToken(key, 'interaction-1')).not.toBe(formToken(crypto.randomBytes(32), 'interaction-1'));
  });

  it('accepts the token of the same key and subject', () => {
    expect(isValidFormToken(key, 'uid-1', formToken(key, 'uid-1'))).toBe(true);
  });

  it('refuses a token for another subject or made with another key', () => {
    expect(isValidFormToken(key, 'uid-1', formToken(key, 'uid-2'))).toBe(false);
    expect(isValidFormToken(key, 'uid-1', formToken(crypto.randomBytes(32), 'uid-1'))).toBe(false);
  });

  it('refuses altered, truncated, extended and empty tokens', () => {
    const token = formToken(key, 'uid-1');
    const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    for (const presented of [flipped, token.slice(0, -1), `${token}A`, '', ' '.repeat(43)]) {
      expect(isValidFormToken(key, 'uid-1', presented)).toBe(false);
    }
  });

  it('refuses anything that is not a string, without throwing', () => {
    const token = formToken(key, 'uid-1');
    for (const presented of [undefined, null, 42, [token], { token }, Buffer.from(token)]) {
      expect(isValidFormToken(key, 'uid-1', presented)).toBe(false);
    }
  });

  it('refuses a multi-byte string whose byte length differs, without throwing', () => {
    const token = formToken(key, 'uid-1');
    expect(isValidFormToken(key, 'uid-1', `é${token.slice(1)}`)).toBe(false);
    expect(isValidFormToken(key, 'uid-1', `é${token.slice(2)}`)).toBe(false);
  });
});
