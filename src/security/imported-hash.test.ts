import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher, ARGON2ID_BOUNDS } from './password-hasher.ts';
import {
  IMPORTED_HASH_SCHEMES,
  importedSchemeOf,
  storedHashProblem,
  storedFormOfImportedHash,
  verifyImportedHash,
  withImportedSchemes,
  type FirebaseScryptParameters,
  type ImportedHashInput,
} from './imported-hash.ts';

const CHEAP = { memory: 1024, passes: 1, parallelism: 1 };
const argon2 = createPasswordHasher(CHEAP);
const hasher = withImportedSchemes(argon2);

function stored(input: ImportedHashInput, firebase?: FirebaseScryptParameters): string {
  const result = storedFormOfImportedHash(input, firebase);
  if ('error' in result) throw new Error(result.error);
  return result.stored;
}

function refusal(input: ImportedHashInput, firebase?: FirebaseScryptParameters): string {
  const result = storedFormOfImportedHash(input, firebase);
  if ('stored' in result) throw new Error(`accepted: ${result.stored}`);
  return result.error;
}

/** Right password true, wrong and near misses false, through the composed hasher; and it always wants a rehash. */
async function expectVerifies(hash: string, password: string) {
  expect(await hasher.verify(hash, password)).toBe(true);
  expect(await hasher.verify(hash, `${password}x`)).toBe(false);
  expect(await hasher.verify(hash, password.slice(0, -1))).toBe(false);
  expect(await hasher.verify(hash, '')).toBe(false);
  expect(hasher.needsRehash(hash)).toBe(true);
}

// Firebase's published sample (the README of firebase/scrypt): project parameters, one account's salt and hash.
const FIREBASE_SAMPLE: FirebaseScryptParameters = {
  signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
  saltSeparator: 'Bw==',
  rounds: 8,
  memCost: 14,
};
const FIREBASE_SAMPLE_ACCOUNT = { salt: '42xEC+ixf3L2lw==', hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==', password: 'user1password' };

/** Firebase's modified scrypt, computed here independently of the module. */
function firebaseHash(password: string, salt: Buffer, p: { signerKey: Buffer; saltSeparator: Buffer; rounds: number; memCost: number }): Buffer {
  const N = 2 ** p.memCost;
  const key = crypto.scryptSync(password, Buffer.concat([salt, p.saltSeparator]), 32, { N, r: p.rounds, p: 1, maxmem: 256 * N * p.rounds });
  const cipher = crypto.createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(p.signerKey), cipher.final()]);
}

describe('imported password hashes', () => {
  it('names its schemes', () => {
    expect(IMPORTED_HASH_SCHEMES).toEqual(['argon2id', 'bcrypt', 'pbkdf2-sha256', 'scrypt', 'firebase-scrypt']);
  });

  it('refuses an unknown scheme and an empty hash, saying so', () => {
    expect(refusal({ scheme: 'md5', hash: 'abc' })).toMatch(/Unknown password hash scheme "md5"/);
    expect(refusal({ scheme: 'bcrypt', hash: '  ' })).toMatch(/empty/);
  });

  describe('bcrypt', () => {
    it('verifies published vectors ($2a$, jBCrypt’s test list)', async () => {
      const hash = stored({ scheme: 'bcrypt', hash: '$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i' });
      expect(hash).toBe('$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i');
      await expectVerifies(hash, 'abc');
    });

    it('keeps $2b$ and $2y$ as given and verifies them, ignoring a salt column', async () => {
      const made = await bcrypt.hash('correct horse battery staple', 5);
      for (const variant of [made, made.replace(/^\$2b\$/, '$2y$'), made.replace(/^\$2b\$/, '$2a$')]) {
        const hash = stored({ scheme: 'bcrypt', hash: variant, salt: 'ignored' });
        expect(hash).toBe(variant);
        await expectVerifies(hash, 'correct horse battery staple');
      }
    });

    it('refuses costs outside 4..16 and malformed strings at import', async () => {
      const made = await bcrypt.hash('pw', 4);
      expect(refusal({ scheme: 'bcrypt', hash: made.replace('$04$', '$17$') })).toMatch(/cost is 17/);
      expect(refusal({ scheme: 'bcrypt', hash: made.replace('$04$', '$03$') })).toMatch(/cost is 3/);
      expect(refusal({ scheme: 'bcrypt', hash: made.replace('$2b$', '$2x$') })).toMatch(/not a bcrypt hash/);
      expect(refusal({ scheme: 'bcrypt', hash: made.slice(0, -1) })).toMatch(/not a bcrypt hash/);
    });

    it('answers false for a stored string over the bounds or malformed, without work or a throw', async () => {
      const made = await bcrypt.hash('pw', 4);
      for (const bad of [made.replace('$04$', '$31$'), made.slice(0, -2), `${made}x`, '$2b$04$', '$2b$']) {
        await expect(hasher.verify(bad, 'pw'), bad).resolves.toBe(false);
      }
    });
  });

  describe('pbkdf2-sha256', () => {
    // RFC 7914 section 11: PBKDF2-HMAC-SHA256, P="Password", S="NaCl", c=80000, dkLen=64.
    const RFC7914_KEY = Buffer.from('4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d', 'hex');
    const NACL = Buffer.from('NaCl').toString('base64');

    it('verifies RFC 7914’s test vector given in Keycloak’s form, stored as PHC', async () => {
      const hash = stored({ scheme: 'pbkdf2-sha256', hash: `80000$${NACL}$${RFC7914_KEY.toString('base64')}` });
      expect(hash).toBe(`$pbkdf2-sha256$i=80000$TmFDbA$${RFC7914_KEY.toString('base64').replace(/=+$/, '')}`);
      expect(importedSchemeOf(hash)).toBe('pbkdf2-sha256');
      await expectVerifies(hash, 'Password');
    });

    it('accepts the PHC form and passlib’s, with a key made by node:crypto', async () => {
      const salt = crypto.randomBytes(16);
      const key = crypto.pbkdf2Sync('correct horse battery staple', salt, 27500, 64, 'sha256');
      const phc = `$pbkdf2-sha256$i=27500$${salt.toString('base64')}$${key.toString('base64')}`;
      const passlib = `$pbkdf2-sha256$27500$${salt.toString('base64').replace(/=+$/, '').replace(/\+/g, '.')}$${key.toString('base64').replace(/=+$/, '').replace(/\+/g, '.')}`;
      const expected = `$pbkdf2-sha256$i=27500$${salt.toString('base64').replace(/=+$/, '')}$${key.toString('base64').replace(/=+$/, '')}`;
      expect(stored({ scheme: 'pbkdf2-sha256', hash: phc })).toBe(expected);
      expect(stored({ scheme: 'pbkdf2-sha256', hash: passlib })).toBe(expected);
      expect(stored({ scheme: 'PBKDF2-SHA256', hash: expected })).toBe(expected);
      await expectVerifies(expected, 'correct horse battery staple');
    });

    it('refuses iterations outside 1,000..10,000,000, bad base64 and odd lengths', () => {
      const key = Buffer.alloc(32, 1).toString('base64');
      const salt = Buffer.alloc(16, 2).toString('base64');
      expect(refusal({ scheme: 'pbkdf2-sha256', hash: `999$${salt}$${key}` })).toMatch(/999 iterations/);
      expect(refusal({ scheme: 'pbkdf2-sha256', hash: `10000001$${salt}$${key}` })).toMatch(/10000001 iterations/);
      expect(refusal({ scheme: 'pbkdf2-sha256', hash: `27500$${salt}$not*base64` })).toMatch(/not base64/);
      expect(refusal({ scheme: 'pbkdf2-sha256', hash: `27500$${salt}$${Buffer.alloc(8).toString('base64')}` })).toMatch(/shorter than 16 bytes/);
      expect(refusal({ scheme: 'pbkdf2-sha256', hash: `27500$${salt}$${Buffer.alloc(65).toString('base64')}` })).toMatch(/longer than 64 bytes/);
      expect(refusal({ scheme: 'pbkdf2-sha256', hash: 'abc' })).toMatch(/not a PBKDF2-SHA256 hash/);
    });

    it('answers false for a stored string over the bounds or malformed', async () => {
      const good = stored({ scheme: 'pbkdf2-sha256', hash: `80000$${NACL}$${RFC7914_KEY.toString('base64')}` });
      for (const bad of [good.replace('i=80000', 'i=99999999'), good.replace('i=80000', 'i=1'), good.replace('$TmFDbA$', '$T$'), `${good}$x`, '$pbkdf2-sha256$i=1000$$']) {
        await expect(hasher.verify(bad, 'Password'), bad).resolves.toBe(false);
      }
    });
  });

  describe('scrypt (Better Auth)', () => {
    /** Better Auth's hashPassword, computed independently: scrypt(NFKC password, the salt's hex text, N=16384, r=16, p=1, 64 bytes). */
    function betterAuthHash(password: string): string {
      const salt = crypto.randomBytes(16).toString('hex');
      const key = crypto.scryptSync(password.normalize('NFKC'), salt, 64, { N: 16384, r: 16, p: 1, maxmem: 64 * 1024 * 1024 });
      return `${salt}:${key.toString('hex')}`;
    }

    it('verifies Better Auth’s salt:key form, NFKC-normalising the password', async () => {
      const original = betterAuthHash('ｃｏｒｒｅｃｔ horse ﬁnal');
      const hash = stored({ scheme: 'scrypt', hash: original });
      expect(hash).toBe(`$better-auth-scrypt$${original.replace(':', '$')}`);
      await expectVerifies(hash, 'correct horse final');
      expect(await hasher.verify(hash, 'ｃｏｒｒｅｃｔ horse ﬁnal')).toBe(true);
    });

    it('takes the salt from its own column too', async () => {
      const [salt, key] = betterAuthHash('correct horse battery staple').split(':');
      await expectVerifies(stored({ scheme: 'scrypt', hash: key, salt }), 'correct horse battery staple');
    });

    it('refuses what is not Better Auth’s form', () => {
      expect(refusal({ scheme: 'scrypt', hash: 'abc' })).toMatch(/not a Better Auth scrypt hash/);
      expect(refusal({ scheme: 'scrypt', hash: `zz:${'00'.repeat(64)}` })).toMatch(/salt is not hex/);
      expect(refusal({ scheme: 'scrypt', hash: `${'ab'.repeat(16)}:${'00'.repeat(32)}` })).toMatch(/32 bytes; Better Auth’s are 64/);
      expect(refusal({ scheme: 'scrypt', hash: `a:b:c` })).toMatch(/not a Better Auth scrypt hash/);
    });

    it('answers false for a malformed stored string', async () => {
      for (const bad of ['$better-auth-scrypt$', '$better-auth-scrypt$zz$00', `$better-auth-scrypt$${'ab'.repeat(16)}$${'00'.repeat(10)}`]) {
        await expect(hasher.verify(bad, 'pw'), bad).resolves.toBe(false);
      }
    });
  });

  describe('firebase-scrypt', () => {
    it('verifies Firebase’s published sample', async () => {
      const hash = stored({ scheme: 'firebase-scrypt', ...FIREBASE_SAMPLE_ACCOUNT }, FIREBASE_SAMPLE);
      expect(hash.startsWith('$firebase-scrypt$m=14,r=8$Bw$')).toBe(true);
      await expectVerifies(hash, FIREBASE_SAMPLE_ACCOUNT.password);
    });

    it('verifies a hash computed here with other project parameters (an empty salt separator, URL-safe account values)', async () => {
      const project = { signerKey: crypto.randomBytes(64), saltSeparator: Buffer.alloc(0), rounds: 4, memCost: 10 };
      const salt = crypto.randomBytes(12);
      const expected = firebaseHash('correct horse battery staple', salt, project);
      const hash = stored(
        { scheme: 'firebase-scrypt', hash: expected.toString('base64url'), salt: salt.toString('base64url') },
        { signerKey: project.signerKey.toString('base64'), saltSeparator: '', rounds: 4, memCost: 10 },
      );
      await expectVerifies(hash, 'correct horse battery staple');
    });

    it('needs the project parameters and the salt, and holds them to bounds', () => {
      const account = { scheme: 'firebase-scrypt', ...FIREBASE_SAMPLE_ACCOUNT };
      expect(refusal(account)).toMatch(/needs the project’s password hash parameters/);
      expect(refusal({ ...account, salt: undefined }, FIREBASE_SAMPLE)).toMatch(/needs its salt/);
      expect(refusal(account, { ...FIREBASE_SAMPLE, memCost: 17 })).toMatch(/mem cost 17/);
      expect(refusal(account, { ...FIREBASE_SAMPLE, memCost: 16, rounds: 16 })).toMatch(/needs more than 64 MiB/);
      expect(refusal(account, { ...FIREBASE_SAMPLE, rounds: 0 })).toMatch(/rounds 0/);
      expect(refusal(account, { ...FIREBASE_SAMPLE, signerKey: 'not base64!' })).toMatch(/signer key is not base64/);
      expect(refusal({ ...account, hash: 'AAAA' }, FIREBASE_SAMPLE)).toMatch(/must be as long/);
    });

    it('answers false for a stored string over the bounds or malformed', async () => {
      const good = stored({ scheme: 'firebase-scrypt', ...FIREBASE_SAMPLE_ACCOUNT }, FIREBASE_SAMPLE);
      for (const bad of [good.replace('m=14', 'm=22'), good.replace('r=8', 'r=99'), good.replace('$Bw$', '$B$'), good.slice(0, -8), '$firebase-scrypt$m=14,r=8$$$$']) {
        await expect(hasher.verify(bad, FIREBASE_SAMPLE_ACCOUNT.password), bad).resolves.toBe(false);
      }
    });
  });

  describe('argon2id', () => {
    it('keeps a PHC string within the bounds and verifies it through the inner hasher', async () => {
      const phc = await argon2.hash('correct horse battery staple');
      expect(stored({ scheme: 'argon2id', hash: phc })).toBe(phc);
      expect(await hasher.verify(phc, 'correct horse battery staple')).toBe(true);
      expect(await hasher.verify(phc, 'wrong')).toBe(false);
      expect(hasher.needsRehash(phc)).toBe(false);
      expect(importedSchemeOf(phc)).toBeUndefined();
    });

    it('refuses memory, passes or parallelism over the bounds at import, and verifies such a string as false', async () => {
      const phc = await argon2.hash('pw');
      const huge = phc.replace('m=1024', `m=${4 * 1024 * 1024}`);
      expect(refusal({ scheme: 'argon2id', hash: huge })).toMatch(/4194304 KiB/);
      expect(refusal({ scheme: 'argon2id', hash: phc.replace('t=1', `t=${ARGON2ID_BOUNDS.maxPasses + 1}`) })).toMatch(/passes/);
      expect(refusal({ scheme: 'argon2id', hash: phc.replace('p=1', `p=${ARGON2ID_BOUNDS.maxParallelism + 1}`) })).toMatch(/parallelism/);
      expect(refusal({ scheme: 'argon2id', hash: phc.replace('$argon2id$', '$argon2i$') })).toMatch(/not an argon2id PHC string/);
      await expect(hasher.verify(huge, 'pw')).resolves.toBe(false);
      expect(hasher.needsRehash(huge)).toBe(true);
    });
  });

  it('never throws from verify, whatever the stored string', async () => {
    for (const junk of ['', '$', '$2b$', '$pbkdf2-sha256$', '$better-auth-scrypt$', '$firebase-scrypt$', '\u0000', 'x'.repeat(10_000)]) {
      await expect(verifyImportedHash(junk, 'pw'), junk).resolves.toBe(false);
      await expect(hasher.verify(junk, 'pw'), junk).resolves.toBe(false);
    }
  });

  it('recognises every stored form it makes as usable, and nothing else', async () => {
    const salt = crypto.randomBytes(16);
    const forms = [
      stored({ scheme: 'bcrypt', hash: await bcrypt.hash('pw', 4) }),
      stored({ scheme: 'pbkdf2-sha256', hash: `1000$${salt.toString('base64')}$${crypto.pbkdf2Sync('pw', salt, 1000, 32, 'sha256').toString('base64')}` }),
      stored({ scheme: 'scrypt', hash: `${'ab'.repeat(16)}:${'cd'.repeat(64)}` }),
      stored({ scheme: 'firebase-scrypt', ...FIREBASE_SAMPLE_ACCOUNT }, FIREBASE_SAMPLE),
      stored({ scheme: 'argon2id', hash: await argon2.hash('pw') }),
    ];
    for (const form of forms) expect(storedHashProblem(form), form).toBeUndefined();
    for (const junk of ['', 'plain text', '27500$c2FsdHNhbHQ$AAAA', '$pbkdf2-sha256$27500$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA', `${forms[0]}x`, forms[3].replace('m=14', 'm=30')]) {
      expect(storedHashProblem(junk), junk).toBeDefined();
    }
  });

  it('hashes anew with the inner hasher only', async () => {
    const fresh = await hasher.hash('pw');
    expect(fresh.startsWith('$argon2id$v=19$m=1024,t=1,p=1$')).toBe(true);
  });
});
