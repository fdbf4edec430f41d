// Seals a stored idempotent answer under a key derived from the caller's Idempotency-Key, so
// the database alone cannot read it: an invitation's answer carries the set-password link and
// an application's carries its client secret, and neither may sit in the database in clear.
// Only a request presenting the same key (which the database holds only as a digest) opens it.
// AES-256-GCM, the key from HKDF-SHA256 over the Idempotency-Key with the scope as salt.

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const INFO = 'tessera idempotent answer v1';

function keyFor(idempotencyKey: string, scope: string): Buffer {
  return Buffer.from(hkdfSync('sha256', idempotencyKey, scope, INFO, 32));
}

export function sealAnswer(idempotencyKey: string, scope: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(idempotencyKey, scope), iv);
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

export function openAnswer(idempotencyKey: string, scope: string, sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', keyFor(idempotencyKey, scope), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
}
