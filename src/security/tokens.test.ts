import { describe, expect, it } from 'vitest';
import { digestsEqual, randomToken, sha256Hex } from './tokens.ts';

describe('tokens', () => {
  it('makes 256-bit base64url tokens by default, each different', () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(randomToken()).not.toBe(a);
    expect(Buffer.from(randomToken(12), 'base64url')).toHaveLength(12);
  });

  it('hashes with SHA-256 to lower-case hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('compares digests: equal only for the same non-empty digest', () => {
    const d = sha256Hex('x');
    expect(digestsEqual(d, sha256Hex('x'))).toBe(true);
    expect(digestsEqual(d, sha256Hex('y'))).toBe(false);
    expect(digestsEqual(d, d.slice(0, 32))).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
  });
});
