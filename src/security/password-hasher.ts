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

function parsePhc(phc: string): ParsedPhc | undefined {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc);
  if (!match) return undefined;
  const parsed = {
    params: { memory: Number(match[1]), passes: Number(match[2]), parallelism: Number(match[3]) },
    salt: Buffer.from(match[4], 'base64'),
    tag: Buffer.from(match[5], 'base64'),
  };
  // Outside argon2's own limits crypto.argon2 throws; such a string is simply not a usable hash.
  const { memory, passes, parallelism } = parsed.params;
  if (passes < 1 || parallelism < 1 || memory < 8 * parallelism || parsed.salt.length < 8 || parsed.tag.length < 4) return undefined;
  return parsed;
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
