// Issues and redeems one-time links. A link is 256 bits of randomness, stored only as a
// hash, bound to a purpose (and organization and user where it has them), and expiring.

import type { LinkPurpose, OneTimeLink } from '../repos/link-repo.ts';
import type { RepoSet } from '../repos/index.ts';
import { randomToken, sha256Hex } from '../security/tokens.ts';
import { newId } from '../lib/ids.ts';
import { AppError } from '../errors.ts';

export interface IssuedLink {
  token: string;
  expiresAt: Date;
}

export async function issueLink(
  repos: RepoSet,
  options: { purpose: LinkPurpose; orgId: string | null; userId: string | null; ttlSeconds: number; now: Date; newUser?: boolean },
): Promise<IssuedLink> {
  // Issuing a new link makes the previous unused one for the same person and purpose useless
  // (a user created in this transaction has none).
  if (!options.newUser) await repos.links.revokeUnused(options.purpose, options.userId, options.now);
  const token = randomToken(32);
  const expiresAt = new Date(options.now.getTime() + options.ttlSeconds * 1000);
  await repos.links.insert({
    id: newId(),
    orgId: options.orgId,
    userId: options.userId,
    purpose: options.purpose,
    tokenHash: sha256Hex(token),
    expiresAt,
    createdAt: options.now,
  });
  return { token, expiresAt };
}

export type LinkStatus = { state: 'valid'; link: OneTimeLink } | { state: 'used' | 'expired' | 'unknown' };

export async function inspectLink(repos: RepoSet, purpose: LinkPurpose, token: string, now: Date): Promise<LinkStatus> {
  if (!token || token.length > 100) return { state: 'unknown' };
  const link = await repos.links.findByTokenHash(purpose, sha256Hex(token));
  if (!link) return { state: 'unknown' };
  if (link.consumed) return { state: 'used' };
  if (link.expiresAt.getTime() <= now.getTime()) return { state: 'expired' };
  return { state: 'valid', link };
}

/** Consumes a link inside the caller's transaction; exactly one of many parallel calls wins. */
export async function redeemLink(repos: RepoSet, purpose: LinkPurpose, token: string, now: Date): Promise<OneTimeLink> {
  const status = await inspectLink(repos, purpose, token, now);
  if (status.state !== 'valid') throw linkError(status.state);
  if (!(await repos.links.consume(status.link.id, now))) throw linkError('used');
  return status.link;
}

export function linkError(state: 'used' | 'expired' | 'unknown'): AppError {
  const message =
    state === 'used' ? 'This link has already been used' : state === 'expired' ? 'This link has expired' : 'This link is not valid';
  return new AppError('link.invalid', message, { details: { reason: state } });
}
