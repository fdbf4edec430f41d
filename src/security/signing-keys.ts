// Key material for a new organization's OpenID Provider.

import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { randomToken } from './tokens.ts';
import type { SigningKey } from '../repos/provider-key-repo.ts';

const generateKeyPair = promisify(crypto.generateKeyPair);

/** An RS256 key: the algorithm every OpenID Connect relying party must support. */
export async function generateSigningKey(now: Date): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
  const kid = randomToken(12);
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { kid, algorithm: 'RS256', privateJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' }, createdAt: now };
}

export function generateCookieKeys(): string[] {
  return [randomToken(32)];
}
