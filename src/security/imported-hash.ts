// Password hashes brought from another system (an import): bcrypt, PBKDF2-SHA256 (Keycloak's),
// scrypt (Better Auth's), Firebase's modified scrypt and argon2id. Each is kept in
// password_credentials as a self-describing string that carries everything its verification
// needs, is verified in its own scheme at the next sign-in, and is then replaced by the
// server's own argon2id hash (`needsRehash` is true for every imported scheme).
//
// Every scheme's cost is bounded, at import and again at verification, so a hash asking for
// gigabytes or millions of rounds can neither be imported nor used. Verification of a
// malformed string answers false and never throws; every comparison is constant-time. The
// work runs asynchronously (libuv's pool for PBKDF2 and scrypt, bcryptjs in slices), never
// with the Sync forms on the event loop; the bounded hasher (bounded-hasher.ts) wraps this, so
// imported verifications wait in the same queue as argon2id ones.

import crypto from 'node:crypto';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { argon2idPhcProblem, type PasswordHasher } from './password-hasher.ts';

export const IMPORTED_HASH_SCHEMES = ['argon2id', 'bcrypt', 'pbkdf2-sha256', 'scrypt', 'firebase-scrypt'] as const;
export type ImportedHashScheme = (typeof IMPORTED_HASH_SCHEMES)[number];
export interface ImportedHashInput {
  scheme: string;
  hash: string;
  salt?: string;
}
export interface FirebaseScryptParameters {
  signerKey: string;
  saltSeparator: string;
  rounds: number;
  memCost: number;
}

/** The bounds every imported scheme is held to (docs/security.md section 15). */
export const IMPORTED_HASH_BOUNDS = {
  bcryptCost: { min: 4, max: 16 },
  pbkdf2Iterations: { min: 1_000, max: 10_000_000 },
  /** Bytes of salt and of derived key, PBKDF2 and scrypt alike. */
  saltBytes: { min: 4, max: 1024 },
  keyBytes: { min: 16, max: 64 },
  firebaseMemCost: { min: 1, max: 16 },
  firebaseRounds: { min: 1, max: 32 },
  /** scrypt's memory is 128 × N × r bytes. */
  scryptMaxMemoryBytes: 64 * 1024 * 1024,
  firebaseKeyBytes: { min: 1, max: 256 },
} as const;

/** Better Auth's fixed scrypt parameters (its `generateKey`: the password NFKC-normalised, the hex salt used as text). */
export const BETTER_AUTH_SCRYPT = { N: 16384, r: 16, p: 1, keyBytes: 64 } as const;

const pbkdf2 = promisify(crypto.pbkdf2);
const scrypt = promisify(crypto.scrypt) as (password: crypto.BinaryLike, salt: crypto.BinaryLike, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;
const B64URL = /^[A-Za-z0-9\-_]+={0,2}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

type Parsed<T> = { ok: T } | { error: string };

/** Strict base64 (standard, or URL-safe, or passlib's `.` for `+`), padding optional; undefined when it is not. */
function decodeBase64(text: string, alphabet: 'standard' | 'url' | 'passlib' = 'standard'): Buffer | undefined {
  const normalised = alphabet === 'passlib' ? text.replace(/\./g, '+') : text;
  if (!(alphabet === 'url' ? B64URL : B64).test(normalised) || normalised.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(normalised, alphabet === 'url' ? 'base64url' : 'base64');
}

function b64(buffer: Buffer): string {
  return buffer.toString('base64').replace(/=+$/, '');
}

function within(value: number, bounds: { min: number; max: number }): boolean {
  return Number.isInteger(value) && value >= bounds.min && value <= bounds.max;
}

function bytesProblem(what: string, buffer: Buffer, bounds: { min: number; max: number }): string | undefined {
  if (buffer.length < bounds.min) return `${what} is shorter than ${bounds.min} bytes`;
  if (buffer.length > bounds.max) return `${what} is longer than ${bounds.max} bytes`;
  return undefined;
}

// ---- bcrypt ----------------------------------------------------------------------------------

function bcryptProblem(hash: string): string | undefined {
  const match = BCRYPT.exec(hash);
  if (!match) return 'not a bcrypt hash ($2a$, $2b$ or $2y$, a two-digit cost and 53 characters of salt and hash)';
  const cost = Number(match[1]);
  if (!within(cost, IMPORTED_HASH_BOUNDS.bcryptCost)) {
    return `its cost is ${cost}; bcrypt costs from ${IMPORTED_HASH_BOUNDS.bcryptCost.min} to ${IMPORTED_HASH_BOUNDS.bcryptCost.max} are accepted`;
  }
  return undefined;
}

// ---- PBKDF2-SHA256 -----------------------------------------------------------------------------

interface Pbkdf2Hash {
  iterations: number;
  salt: Buffer;
  key: Buffer;
}

/**
 * Accepted: the PHC form `$pbkdf2-sha256$i=27500$<salt>$<hash>` (standard base64, padding
 * optional; also the stored form), passlib's `$pbkdf2-sha256$27500$<salt>$<hash>` (its base64
 * with `.` for `+`), and Keycloak's values joined as `27500$<salt>$<hash>` (its credentialData
 * `hashIterations`, its secretData `salt` and `value`, base64 as Keycloak exports them).
 */
function parsePbkdf2(text: string): Parsed<Pbkdf2Hash> {
  let match = /^\$pbkdf2-sha256\$i=(\d{1,9})\$([^$]+)\$([^$]+)$/.exec(text);
  let alphabet: 'standard' | 'passlib' = 'standard';
  if (!match) {
    match = /^\$pbkdf2-sha256\$(\d{1,9})\$([^$]+)\$([^$]+)$/.exec(text);
    alphabet = 'passlib';
  }
  if (!match) {
    match = /^(\d{1,9})\$([^$]+)\$([^$]+)$/.exec(text);
    alphabet = 'standard';
  }
  if (!match) return { error: 'not a PBKDF2-SHA256 hash ($pbkdf2-sha256$i=<iterations>$<salt>$<hash>, or Keycloak’s <iterations>$<salt>$<hash>, base64)' };
  const iterations = Number(match[1]);
  const salt = decodeBase64(match[2], alphabet);
  const key = decodeBase64(match[3], alphabet);
  if (!salt) return { error: 'its salt is not base64' };
  if (!key) return { error: 'its hash is not base64' };
  if (!within(iterations, IMPORTED_HASH_BOUNDS.pbkdf2Iterations)) {
    return { error: `it has ${iterations} iterations; from ${IMPORTED_HASH_BOUNDS.pbkdf2Iterations.min} to ${IMPORTED_HASH_BOUNDS.pbkdf2Iterations.max} are accepted` };
  }
  const problem = bytesProblem('its salt', salt, IMPORTED_HASH_BOUNDS.saltBytes) ?? bytesProblem('its hash', key, IMPORTED_HASH_BOUNDS.keyBytes);
  if (problem) return { error: problem };
  return { ok: { iterations, salt, key } };
}

function pbkdf2Stored(hash: Pbkdf2Hash): string {
  return `$pbkdf2-sha256$i=${hash.iterations}$${b64(hash.salt)}$${b64(hash.key)}`;
}

// ---- scrypt (Better Auth) --------------------------------------------------------------------

interface BetterAuthHash {
  /** The salt as Better Auth uses it: its hex text, not the bytes it spells. */
  salt: string;
  key: Buffer;
}

/** Better Auth's `salt:key` (hex both), or the key in `hash` and the salt in `salt`; stored as `$better-auth-scrypt$<salt hex>$<key hex>`. */
function parseBetterAuth(text: string, separateSalt?: string): Parsed<BetterAuthHash> {
  const stored = /^\$better-auth-scrypt\$([^$]+)\$([^$]+)$/.exec(text);
  const [salt, keyHex] = stored ? [stored[1], stored[2]] : separateSalt !== undefined && !text.includes(':') ? [separateSalt, text] : text.split(':');
  if (salt === undefined || keyHex === undefined || (!stored && text.split(':').length > 2)) {
    return { error: 'not a Better Auth scrypt hash (<salt hex>:<key hex>)' };
  }
  if (!HEX.test(salt)) return { error: 'its salt is not hex' };
  if (!HEX.test(keyHex)) return { error: 'its key is not hex' };
  const key = Buffer.from(keyHex, 'hex');
  const problem = bytesProblem('its salt', Buffer.from(salt, 'utf8'), IMPORTED_HASH_BOUNDS.saltBytes);
  if (problem) return { error: problem };
  if (key.length !== BETTER_AUTH_SCRYPT.keyBytes) return { error: `its key is ${key.length} bytes; Better Auth’s are ${BETTER_AUTH_SCRYPT.keyBytes}` };
  return { ok: { salt: salt.toLowerCase(), key } };
}

// ---- Firebase scrypt ---------------------------------------------------------------------------

interface FirebaseHash {
  memCost: number;
  rounds: number;
  saltSeparator: Buffer;
  signerKey: Buffer;
  salt: Buffer;
  hash: Buffer;
}

function firebaseParametersProblem(memCost: number, rounds: number): string | undefined {
  if (!within(memCost, IMPORTED_HASH_BOUNDS.firebaseMemCost)) return `mem cost ${memCost} is outside ${IMPORTED_HASH_BOUNDS.firebaseMemCost.min}..${IMPORTED_HASH_BOUNDS.firebaseMemCost.max}`;
  if (!within(rounds, IMPORTED_HASH_BOUNDS.firebaseRounds)) return `rounds ${rounds} is outside ${IMPORTED_HASH_BOUNDS.firebaseRounds.min}..${IMPORTED_HASH_BOUNDS.firebaseRounds.max}`;
  if (scryptMemory(2 ** memCost, rounds) > IMPORTED_HASH_BOUNDS.scryptMaxMemoryBytes) {
    return `mem cost ${memCost} with rounds ${rounds} needs more than ${IMPORTED_HASH_BOUNDS.scryptMaxMemoryBytes / 1024 / 1024} MiB`;
  }
  return undefined;
}

function scryptMemory(N: number, r: number): number {
  return 128 * N * r;
}

function firebaseHashProblem(hash: FirebaseHash): string | undefined {
  return (
    firebaseParametersProblem(hash.memCost, hash.rounds) ??
    bytesProblem('the signer key', hash.signerKey, IMPORTED_HASH_BOUNDS.firebaseKeyBytes) ??
    bytesProblem('the salt separator', hash.saltSeparator, { min: 0, max: 64 }) ??
    bytesProblem('its salt', hash.salt, { min: 1, max: IMPORTED_HASH_BOUNDS.saltBytes.max }) ??
    (hash.hash.length !== hash.signerKey.length ? `its hash is ${hash.hash.length} bytes, but the signer key is ${hash.signerKey.length}: they must be as long` : undefined)
  );
}

/** `$firebase-scrypt$m=14,r=8$<salt separator>$<signer key>$<salt>$<hash>`, base64 unpadded (the separator may be empty). */
function parseFirebaseStored(text: string): FirebaseHash | undefined {
  const match = /^\$firebase-scrypt\$m=(\d{1,2}),r=(\d{1,2})\$([A-Za-z0-9+/]*)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(text);
  if (!match) return undefined;
  const saltSeparator = match[3] === '' ? Buffer.alloc(0) : decodeBase64(match[3]);
  const [signerKey, salt, hash] = [decodeBase64(match[4]), decodeBase64(match[5]), decodeBase64(match[6])];
  if (!saltSeparator || !signerKey || !salt || !hash) return undefined;
  const parsed = { memCost: Number(match[1]), rounds: Number(match[2]), saltSeparator, signerKey, salt, hash };
  return firebaseHashProblem(parsed) === undefined ? parsed : undefined;
}

function firebaseStored(hash: FirebaseHash): string {
  return `$firebase-scrypt$m=${hash.memCost},r=${hash.rounds}$${b64(hash.saltSeparator)}$${b64(hash.signerKey)}$${b64(hash.salt)}$${b64(hash.hash)}`;
}

function importFirebase(input: ImportedHashInput, firebase: FirebaseScryptParameters | undefined): { stored: string } | { error: string } {
  if (!firebase) return { error: 'a firebase-scrypt hash needs the project’s password hash parameters (signer key, salt separator, rounds, mem cost)' };
  if (input.salt === undefined || input.salt === '') return { error: 'a firebase-scrypt hash needs its salt (the account’s salt, base64)' };
  const signerKey = decodeBase64(firebase.signerKey);
  const saltSeparator = firebase.saltSeparator === '' ? Buffer.alloc(0) : decodeBase64(firebase.saltSeparator);
  // Firebase's export (auth:export) writes the hash and salt in base64; some tools write them URL-safe.
  const hash = decodeBase64(input.hash) ?? decodeBase64(input.hash, 'url');
  const salt = decodeBase64(input.salt) ?? decodeBase64(input.salt, 'url');
  if (!signerKey) return { error: 'the Firebase signer key is not base64' };
  if (!saltSeparator) return { error: 'the Firebase salt separator is not base64' };
  if (!hash) return { error: 'its hash is not base64' };
  if (!salt) return { error: 'its salt is not base64' };
  const parsed = { memCost: firebase.memCost, rounds: firebase.rounds, saltSeparator, signerKey, salt, hash };
  const problem = firebaseHashProblem(parsed);
  return problem ? { error: problem } : { stored: firebaseStored(parsed) };
}

// ---- import ------------------------------------------------------------------------------------

/** The stored form of an imported hash, or why it is unusable (a message for a person, naming the problem). */
export function storedFormOfImportedHash(input: ImportedHashInput, firebase?: FirebaseScryptParameters): { stored: string } | { error: string } {
  const scheme = input.scheme.trim().toLowerCase();
  const hash = input.hash.trim();
  const fail = (problem: string) => ({ error: `The ${scheme} password hash is unusable: ${problem}` });
  if (hash === '') return { error: 'The password hash is empty' };
  switch (scheme) {
    case 'argon2id': {
      const problem = argon2idPhcProblem(hash);
      return problem ? fail(problem) : { stored: hash };
    }
    case 'bcrypt': {
      const problem = bcryptProblem(hash);
      return problem ? fail(problem) : { stored: hash };
    }
    case 'pbkdf2-sha256': {
      const parsed = parsePbkdf2(hash);
      return 'error' in parsed ? fail(parsed.error) : { stored: pbkdf2Stored(parsed.ok) };
    }
    case 'scrypt': {
      const parsed = parseBetterAuth(hash, input.salt?.trim());
      return 'error' in parsed ? fail(parsed.error) : { stored: `$better-auth-scrypt$${parsed.ok.salt}$${parsed.ok.key.toString('hex')}` };
    }
    case 'firebase-scrypt': {
      const result = importFirebase({ ...input, hash }, firebase);
      return 'error' in result ? fail(result.error) : result;
    }
    default:
      return { error: `Unknown password hash scheme "${input.scheme}": one of ${IMPORTED_HASH_SCHEMES.join(', ')}` };
  }
}

// ---- verification ------------------------------------------------------------------------------

/** The imported scheme a stored string is in; undefined for the server's own argon2id (and anything else). */
export function importedSchemeOf(stored: string): Exclude<ImportedHashScheme, 'argon2id'> | undefined {
  if (/^\$2[aby]\$/.test(stored)) return 'bcrypt';
  if (stored.startsWith('$pbkdf2-sha256$')) return 'pbkdf2-sha256';
  if (stored.startsWith('$better-auth-scrypt$')) return 'scrypt';
  if (stored.startsWith('$firebase-scrypt$')) return 'firebase-scrypt';
  return undefined;
}

/**
 * Why a string is not a usable stored password hash (an imported scheme's stored form, or an
 * argon2id PHC string within bounds), or undefined when it is one: what a create carrying an
 * already-converted hash checks, so no account is made with a password nobody can sign in with.
 */
export function storedHashProblem(stored: string): string | undefined {
  switch (importedSchemeOf(stored)) {
    case 'bcrypt':
      return bcryptProblem(stored);
    case 'pbkdf2-sha256': {
      if (!stored.startsWith('$pbkdf2-sha256$i=')) return 'not the stored PBKDF2 form ($pbkdf2-sha256$i=…)';
      const parsed = parsePbkdf2(stored);
      return 'error' in parsed ? parsed.error : undefined;
    }
    case 'scrypt': {
      const parsed = parseBetterAuth(stored);
      return 'error' in parsed ? parsed.error : undefined;
    }
    case 'firebase-scrypt':
      return parseFirebaseStored(stored) ? undefined : 'not a usable stored Firebase scrypt hash';
    case undefined:
      return argon2idPhcProblem(stored);
  }
}

function equalInConstantTime(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

async function verifyImportedScheme(scheme: Exclude<ImportedHashScheme, 'argon2id'>, stored: string, password: string): Promise<boolean> {
  switch (scheme) {
    case 'bcrypt':
      // bcryptjs compares in constant time; bcrypt itself reads only the first 72 bytes.
      return bcryptProblem(stored) === undefined && (await bcrypt.compare(password, stored));
    case 'pbkdf2-sha256': {
      if (!stored.startsWith('$pbkdf2-sha256$i=')) return false;
      const parsed = parsePbkdf2(stored);
      if ('error' in parsed) return false;
      const { iterations, salt, key } = parsed.ok;
      return equalInConstantTime(await pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, key.length, 'sha256'), key);
    }
    case 'scrypt': {
      if (!stored.startsWith('$better-auth-scrypt$')) return false;
      const parsed = parseBetterAuth(stored);
      if ('error' in parsed) return false;
      const { N, r, p } = BETTER_AUTH_SCRYPT;
      const derived = await scrypt(Buffer.from(password.normalize('NFKC'), 'utf8'), Buffer.from(parsed.ok.salt, 'utf8'), parsed.ok.key.length, { N, r, p, maxmem: 2 * scryptMemory(N, r) });
      return equalInConstantTime(derived, parsed.ok.key);
    }
    case 'firebase-scrypt': {
      const parsed = parseFirebaseStored(stored);
      if (!parsed) return false;
      const N = 2 ** parsed.memCost;
      const derived = await scrypt(Buffer.from(password, 'utf8'), Buffer.concat([parsed.salt, parsed.saltSeparator]), 32, { N, r: parsed.rounds, p: 1, maxmem: 2 * scryptMemory(N, parsed.rounds) });
      const cipher = crypto.createCipheriv('aes-256-ctr', derived, Buffer.alloc(16, 0));
      const expected = Buffer.concat([cipher.update(parsed.signerKey), cipher.final()]);
      return equalInConstantTime(expected, parsed.hash);
    }
  }
}

/** Verifies a stored imported hash; false for a wrong password and for anything malformed, never a throw. */
export async function verifyImportedHash(stored: string, password: string): Promise<boolean> {
  const scheme = importedSchemeOf(stored);
  if (!scheme) return false;
  try {
    return await verifyImportedScheme(scheme, stored, password);
  } catch {
    return false;
  }
}

/**
 * The hasher with the imported schemes added: a stored string in one of them is verified in its
 * own scheme and always needs a rehash; anything else goes to `inner` (the server's argon2id, or
 * whatever hasher a test injected). New hashes are always `inner`'s.
 */
export function withImportedSchemes(inner: PasswordHasher): PasswordHasher {
  return {
    hash: (password) => inner.hash(password),
    verify: (stored, password) => (importedSchemeOf(stored) ? verifyImportedHash(stored, password) : inner.verify(stored, password)),
    needsRehash: (stored) => importedSchemeOf(stored) !== undefined || inner.needsRehash(stored),
  };
}
