// What a new password ends (docs/security.md section 7). Whoever set it (the user with a link,
// the user in My Account, an administrator), the old password may have been known to someone
// else: every link that could set a password or sign the user in without it, and every session
// and refresh token it opened, stop working in the same transaction. Only a change made in My
// Account keeps the browser session it was made from, so the user is not signed out of the
// page they are on.

import type { RepoSet } from '../repos/index.ts';
import type { LinkPurpose } from '../repos/link-repo.ts';

/** Every link that acts on a user's password or proves their address. */
export const PASSWORD_DEPENDENT_LINKS: readonly LinkPurpose[] = ['set_password', 'reset_password', 'verify_email', 'change_temporary_password'];

export async function endWhatTheOldPasswordOpened(
  tx: RepoSet,
  orgId: string,
  userId: string,
  now: Date,
  options: { keepSessionUid?: string } = {},
): Promise<void> {
  await tx.links.revokeUnused(PASSWORD_DEPENDENT_LINKS, userId, now);
  // Sessions are ended, not deleted: a request of a stolen session already under way (one that
  // polls prompt=none, say) would otherwise save it back and outlive the new password.
  await tx.oidcPayloads.endSessionsOfAccount(orgId, userId, now, options.keepSessionUid);
  if (options.keepSessionUid) await tx.oidcPayloads.revokeByAccountIdExceptSession(orgId, userId, options.keepSessionUid);
  else await tx.oidcPayloads.revokeByAccountId(orgId, userId);
}
