import { describe, expect, it } from 'vitest';
import { createPasswordHasher, OWASP_ARGON2ID } from './password-hasher.ts';

// Cheap parameters keep the suite fast; the code path is the production one.
const CHEAP = { memory: 1024, passes: 1, parallelism: 1 };
const hasher = createPasswordHasher(CHEAP);

const PHC_SHAPE = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

describe('password hasher', () => {
  it('defaults to OWASP parameters and writes a PHC string with a 16-byte salt and a 32-byte tag', async () => {
    expect(OWASP_ARGON2ID).toEqual({ memory: 19456, passes: 2, parallelism: 1 });
    const phc = await createPasswordHasher().hash('correct horse battery staple');
    expect(phc).toMatch(PHC_SHAPE);
    expect(phc.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(Buffer.from(phc.split('$')[4], 'base64')).toHaveLength(16);
    expect(Buffer.from(phc.split('$')[5], 'base64')).toHaveLength(32);
  });

  it('writes the hasher’s own parameters into the string', async () => {
    const phc = await hasher.hash('pw');
    expect(phc).toMatch(PHC_SHAPE);
    expect(phc.startsWith('$argon2id$v=19$m=1024,t=1,p=1$')).toBe(true);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const phc = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(phc, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(phc, 'correct horse battery stapl')).toBe(false);
    expect(await hasher.verify(phc, 'Correct horse battery staple')).toBe(false);
    expect(await hasher.verify(phc, '')).toBe(false);
  });

  it('salts every hash, so one password gives different strings that both verify', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
    expect(a).not.toBe(b);
    expect(await hasher.verify(a, 'same password')).toBe(true);
    expect(await hasher.verify(b, 'same password')).toBe(true);
  });

  it('treats canonically equivalent Unicode passwords alike (NFC)', async () => {
    const composed = 'caf\u00e9 au lait';
    const decomposed = 'cafe\u0301 au lait';
    const phc = await hasher.hash(composed);
    expect(await hasher.verify(phc, decomposed)).toBe(true);
  });

  it('never truncates: a long passphrase differs from its prefix', async () => {
    const long = 'x'.repeat(200);
    const phc = await hasher.hash(long);
    expect(await hasher.verify(phc, long)).toBe(true);
    expect(await hasher.verify(phc, long.slice(0, 199))).toBe(false);
  });

  it('verifies with the parameters stored in the string, not the hasher’s own', async () => {
    const old = await createPasswordHasher({ memory: 512, passes: 1, parallelism: 1 }).hash('legacy');
    expect(await createPasswordHasher({ memory: 2048, passes: 2, parallelism: 1 }).verify(old, 'legacy')).toBe(true);
  });

  // Regression: a string of the right shape whose parameters argon2 refuses (empty tag, 4-byte
  // salt, t=0, p=0, m below 8p) made verify throw ERR_OUT_OF_RANGE instead of answering false.
  it('answers false, without throwing, for strings that are not usable argon2id hashes', async () => {
    const good = await hasher.hash('pw');
    const tag = good.split('$')[5];
    const salt = good.split('$')[4];
    const bad = [
      '',
      'pw',
      '$2b$10$abcdefghijklmnopqrstuuJ5pBXTFmrJiYI1yzWbp6ZOtAg6X8kqK', // bcrypt
      good.replace('$argon2id$', '$argon2i$'),
      good.replace('v=19', 'v=16'),
      `${good}$extra`,
      `$argon2id$v=19$m=1024,t=1,p=1$${salt}$A`, // empty tag
      `$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$${tag}`, // 4-byte salt
      `$argon2id$v=19$m=1,t=1,p=1$${salt}$${tag}`,
      `$argon2id$v=19$m=1024,t=0,p=1$${salt}$${tag}`,
      `$argon2id$v=19$m=1024,t=1,p=0$${salt}$${tag}`,
    ];
    for (const phc of bad) await expect(hasher.verify(phc, 'pw'), phc).resolves.toBe(false);
  });

  describe('needsRehash', () => {
    it('is false for a hash made with the hasher’s own parameters', async () => {
      expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
    });

    it('is true when memory or passes are weaker than the hasher’s', async () => {
      const strong = createPasswordHasher({ memory: 2048, passes: 2, parallelism: 1 });
      expect(strong.needsRehash(await createPasswordHasher({ memory: 1024, passes: 2, parallelism: 1 }).hash('pw'))).toBe(true);
      expect(strong.needsRehash(await createPasswordHasher({ memory: 2048, passes: 1, parallelism: 1 }).hash('pw'))).toBe(true);
    });

    it('is false when the stored parameters are stronger', async () => {
      const stronger = await createPasswordHasher({ memory: 2048, passes: 2, parallelism: 1 }).hash('pw');
      expect(hasher.needsRehash(stronger)).toBe(false);
    });

    it('is true for a string it cannot parse', () => {
      expect(hasher.needsRehash('not a hash')).toBe(true);
      expect(hasher.needsRehash('')).toBe(true);
    });

    it('is true for a hash below the OWASP defaults under the default hasher', async () => {
      expect(createPasswordHasher().needsRehash(await hasher.hash('pw'))).toBe(true);
    });
  });
});
