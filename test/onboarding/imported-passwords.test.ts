// Imported password hashes (issue 14): a customer whose password came from another system as a
// bcrypt, PBKDF2, scrypt or Firebase hash signs in on the hosted page with that password, and
// from then on holds the server's own argon2id hash. A password changed while the upgrade is
// being computed is never overwritten by it. Runs on both engines.

import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type PasswordHasher } from '../../src/security/password-hasher.ts';
import { storedFormOfImportedHash, type ImportedHashInput, type FirebaseScryptParameters } from '../../src/security/imported-hash.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { TEST_ARGON2 } from '../support/system.ts';
import { createOnboardingBed, expectCode, expectNoCode, type OnboardingBed } from './support.ts';

const OLD_PASSWORD = 'my password from the old system';
const argon2 = createPasswordHasher(TEST_ARGON2);

/** The test argon2id hasher, whose next hash() can be held until the test lets it go. */
function holdableHasher() {
  let hold: { entered: () => void; release: Promise<void> } | undefined;
  const hasher: PasswordHasher = {
    async hash(password) {
      const current = hold;
      hold = undefined;
      if (current) {
        current.entered();
        await current.release;
      }
      return argon2.hash(password);
    },
    verify: (phc, password) => argon2.verify(phc, password),
    needsRehash: (phc) => argon2.needsRehash(phc),
  };
  return {
    hasher,
    /** Holds the next hash(): resolves `entered` when it starts, and it goes on when `release()` is called. */
    holdNext() {
      let entered!: () => void;
      let release!: () => void;
      const started = new Promise<void>((resolve) => (entered = resolve));
      hold = { entered, release: new Promise<void>((resolve) => (release = resolve)) };
      return { started, release: () => release() };
    },
  };
}

function stored(input: ImportedHashInput, firebase?: FirebaseScryptParameters): string {
  const result = storedFormOfImportedHash(input, firebase);
  if ('error' in result) throw new Error(result.error);
  return result.stored;
}

describe('imported password hashes at sign-in', () => {
  const holdable = holdableHasher();
  let bed: OnboardingBed;

  beforeAll(async () => {
    bed = await createOnboardingBed('imp', { hasher: holdable.hasher });
  });
  afterAll(() => bed.close());

  async function importCustomer(email: string, importedPasswordHash: string): Promise<string> {
    const organization = (await bed.server.system.repos.organizations.findByHandle('imp'))!;
    const view = await bed.server.system.services.users.createUser(organization, { userName: email, importedPasswordHash }, SYSTEM_CONTEXT);
    expect(view.temporaryPassword).toBe(false);
    return view.user.id;
  }

  async function storedHashOf(userId: string) {
    return (await bed.server.system.repos.credentials.findPassword(bed.orgId, userId))!;
  }

  it('signs a customer with an imported bcrypt hash in on the hosted page, then holds argon2id', async () => {
    const bcryptHash = await bcrypt.hash(OLD_PASSWORD, 4);
    const id = await importCustomer('bea@imp.test', stored({ scheme: 'bcrypt', hash: bcryptHash }));
    expect((await storedHashOf(id)).passwordHash).toBe(bcryptHash);

    expectNoCode(await bed.signIn('bea@imp.test', 'not my password'));
    expect((await storedHashOf(id)).passwordHash).toBe(bcryptHash);

    const first = await bed.signIn('bea@imp.test', OLD_PASSWORD);
    const tokens = await bed.tokens(expectCode(first), first.verifier);
    expect(tokens.claims()!.sub).toBe(id);

    const after = await storedHashOf(id);
    expect(after.passwordHash.startsWith('$argon2id$v=19$')).toBe(true);
    expect(after).toMatchObject({ isTemporary: false, expiresAt: null });
    expect(argon2.needsRehash(after.passwordHash)).toBe(false);
    expect(await argon2.verify(after.passwordHash, OLD_PASSWORD)).toBe(true);

    // The same password keeps working, now against argon2id; a wrong one still fails.
    expectCode(await bed.signIn('bea@imp.test', OLD_PASSWORD));
    expectNoCode(await bed.signIn('bea@imp.test', 'not my password'));
    expect((await storedHashOf(id)).passwordHash).toBe(after.passwordHash);
  });

  it('does the same for PBKDF2 (Keycloak), Better Auth scrypt and Firebase scrypt hashes', async () => {
    const salt = crypto.randomBytes(16);
    const keycloak = `27500$${salt.toString('base64')}$${crypto.pbkdf2Sync(OLD_PASSWORD, salt, 27500, 64, 'sha256').toString('base64')}`;
    const baSalt = crypto.randomBytes(16).toString('hex');
    const betterAuth = `${baSalt}:${crypto.scryptSync(OLD_PASSWORD.normalize('NFKC'), baSalt, 64, { N: 16384, r: 16, p: 1, maxmem: 64 * 1024 * 1024 }).toString('hex')}`;
    const signerKey = crypto.randomBytes(64);
    const fbSalt = crypto.randomBytes(12);
    const derived = crypto.scryptSync(OLD_PASSWORD, Buffer.concat([fbSalt, Buffer.from([7])]), 32, { N: 2 ** 10, r: 8, p: 1 });
    const cipher = crypto.createCipheriv('aes-256-ctr', derived, Buffer.alloc(16));
    const firebaseHash = Buffer.concat([cipher.update(signerKey), cipher.final()]);
    const firebase = { signerKey: signerKey.toString('base64'), saltSeparator: 'Bw==', rounds: 8, memCost: 10 };

    const cases = [
      { email: 'kay@imp.test', hash: stored({ scheme: 'pbkdf2-sha256', hash: keycloak }) },
      { email: 'bao@imp.test', hash: stored({ scheme: 'scrypt', hash: betterAuth }) },
      { email: 'fay@imp.test', hash: stored({ scheme: 'firebase-scrypt', hash: firebaseHash.toString('base64'), salt: fbSalt.toString('base64') }, firebase) },
    ];
    for (const { email, hash } of cases) {
      const id = await importCustomer(email, hash);
      expect((await bed.server.system.services.signIn.authenticate(bed.orgId, email, 'wrong password', SYSTEM_CONTEXT)).outcome).toBe('invalid_credentials');
      expect((await storedHashOf(id)).passwordHash, email).toBe(hash);
      const result = await bed.signIn(email, OLD_PASSWORD);
      expectCode(result);
      const upgraded = (await storedHashOf(id)).passwordHash;
      expect(upgraded.startsWith('$argon2id$'), email).toBe(true);
      expect(await argon2.verify(upgraded, OLD_PASSWORD)).toBe(true);
    }
  });

  it('refuses a create whose imported hash is not a stored form it can verify, creating nothing', async () => {
    const organization = (await bed.server.system.repos.organizations.findByHandle('imp'))!;
    for (const bad of ['plain text', '$2b$04$short', `$argon2id$v=19$m=${4 * 1024 * 1024},t=1,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0`]) {
      await expect(bed.server.system.services.users.createUser(organization, { userName: 'bad@imp.test', importedPasswordHash: bad }, SYSTEM_CONTEXT)).rejects.toMatchObject({
        code: 'request.invalid',
        message: expect.stringMatching(/^The imported password hash is unusable: /),
      });
    }
    expect(await bed.server.system.repos.users.findByUserName(bed.orgId, 'bad@imp.test')).toBeUndefined();
  });

  it('never overwrites a password changed while the upgrade was being computed', async () => {
    const id = await importCustomer('rae@imp.test', stored({ scheme: 'bcrypt', hash: await bcrypt.hash(OLD_PASSWORD, 4) }));
    const resetHash = await argon2.hash('the password of the reset');
    const held = holdable.holdNext();
    const signingIn = bed.server.system.services.signIn.authenticate(bed.orgId, 'rae@imp.test', OLD_PASSWORD, SYSTEM_CONTEXT);
    await held.started;
    // Meanwhile the password is reset.
    await bed.server.system.repos.credentials.setPassword(bed.orgId, id, resetHash, { isTemporary: false, expiresAt: null, now: new Date() });
    held.release();
    expect((await signingIn).outcome).toBe('success');
    expect((await storedHashOf(id)).passwordHash).toBe(resetHash);
    expectNoCode(await bed.signIn('rae@imp.test', OLD_PASSWORD));
    expectCode(await bed.signIn('rae@imp.test', 'the password of the reset'));
  });
});
