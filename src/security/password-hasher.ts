// argon2id through Node's built-in crypto.argon2Sync, run on the hashing threads
// (security/argon2-threads.ts) so the event loop stays free and keeps priority. Hashes are PHC
// strings, so parameters can be raised later and old hashes still verify (and can be re-hashed
// on the next successful sign-in).

import crypto from 'node:crypto';
import { deriveOnHashingThread } from './argon2-threads.ts';

export interface Argon2Parameters {
  /** Memory in KiB. */
  memory: number;
  passes: number;
  parallelism: number;
}

/** OWASP's recommended argon2id parameters. */
export const OWASP_ARGON2ID: Argon2Parameters = { memory: 19456, passes: 2, parallelism: 1 };

const SALT_BYTES = 16;
const TAG_BYTES = 32;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(phc: string, password: string): Promise<boolean>;
  /** True when a stored hash uses weaker parameters than the hasher's own. */
  needsRehash(phc: string): boolean;
}

function b64(buffer: Buffer): string {
  return buffer.toString('base64').replace(/=+$/, '');
}

interface ParsedPhc {
  params: Argon2Parameters;
  salt: Buffer;
  tag: Buffer;
}

/**
 * The most an argon2id hash may ask for, imported or stored: beyond these one verification would
 * hold a hashing thread (and its memory) far longer than a sign-in should, so a hash asking for
 * more is refused at import and is no usable hash at verification (false, no work done).
 */
export const ARGON2ID_BOUNDS = { maxMemoryKiB: 256 * 1024, maxPasses: 16, maxParallelism: 16 } as const;

/** Why this is not a usable argon2id PHC string, or undefined when it is one. */
export function argon2idPhcProblem(phc: string): string | undefined {
  const match = /^\$argon2id\$v=19\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,10})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc);
  if (!match) return 'not an argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash, unpadded base64)';
  const [memory, passes, parallelism] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = Buffer.from(match[4], 'base64');
  const tag = Buffer.from(match[5], 'base64');
  // Outside argon2's own limits crypto.argon2 throws; such a string is simply not a usable hash.
  if (passes < 1 || parallelism < 1 || memory < 8 * parallelism) return 'its parameters are outside argon2id’s own limits';
  if (salt.length < 8) return 'its salt is shorter than 8 bytes';
  if (tag.length < 4) return 'its hash is shorter than 4 bytes';
  if (tag.length > 64 || salt.length > 64) return 'its salt or hash is longer than 64 bytes';
  if (memory > ARGON2ID_BOUNDS.maxMemoryKiB) return `it asks for ${memory} KiB of memory, more than the ${ARGON2ID_BOUNDS.maxMemoryKiB} KiB allowed`;
  if (passes > ARGON2ID_BOUNDS.maxPasses) return `it asks for ${passes} passes, more than the ${ARGON2ID_BOUNDS.maxPasses} allowed`;
  if (parallelism > ARGON2ID_BOUNDS.maxParallelism) return `it asks for parallelism ${parallelism}, more than the ${ARGON2ID_BOUNDS.maxParallelism} allowed`;
  return undefined;
}

function parsePhc(phc: string): ParsedPhc | undefined {
  if (argon2idPhcProblem(phc) !== undefined) return undefined;
  const parts = phc.split('$');
  const [m, t, p] = parts[3].split(',').map((kv) => Number(kv.slice(2)));
  return {
    params: { memory: m, passes: t, parallelism: p },
    salt: Buffer.from(parts[4], 'base64'),
    tag: Buffer.from(parts[5], 'base64'),
  };
}

async function derive(password: string, salt: Buffer, params: Argon2Parameters, tagLength: number): Promise<Buffer> {
  return deriveOnHashingThread({
    message: Buffer.from(password.normalize('NFC'), 'utf8'),
    nonce: salt,
    parallelism: params.parallelism,
    tagLength,
    memory: params.memory,
    passes: params.passes,
  });
}

export function createPasswordHasher(params: Argon2Parameters = OWASP_ARGON2ID): PasswordHasher {
  return {
    async hash(password) {
      const salt = crypto.randomBytes(SALT_BYTES);
      const tag = await derive(password, salt, params, TAG_BYTES);
      return `$argon2id$v=19$m=${params.memory},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(tag)}`;
    },
    async verify(phc, password) {
      const parsed = parsePhc(phc);
      if (!parsed) return false;
      const tag = await derive(password, parsed.salt, parsed.params, parsed.tag.length);
      return crypto.timingSafeEqual(tag, parsed.tag);
    },
    needsRehash(phc) {
      const parsed = parsePhc(phc);
      if (!parsed) return true;
      return parsed.params.memory < params.memory || parsed.params.passes < params.passes;
    },
  };
}
