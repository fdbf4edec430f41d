import crypto from 'node:crypto';

/** Random UUIDs: ids reveal nothing about creation order or count. */
export function newId(): string {
  return crypto.randomUUID();
}
