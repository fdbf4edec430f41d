// Mails that tell a person something security-relevant happened to their account (docs/security.md
// section 2): written to the outbox inside the transaction of the change, so the mail exists
// exactly when the change does, through the organization's editable templates. The mail goes to
// the account's sign-in address, which no change here can move: an attacker who changed the
// password still cannot keep the owner from hearing about it.

import type { RepoSet } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { User, UserEmail } from '../repos/user-repo.ts';
import type { Mailer } from '../mail/mailer.ts';
import { onboardingPaths } from '../lib/onboarding-paths.ts';

export type PasswordChangeKind = 'by_user' | 'by_administrator';

export function createSecurityNotifications(deps: { mailer: Mailer; publicUrl: string }) {
  const { mailer, publicUrl } = deps;
  const forgotPassword = (organization: Organization) => `${publicUrl}${onboardingPaths.forgotPassword(organization.handle)}`;

  return {
    /** The password was changed (in My Account, with a reset link, a temporary one replaced) or set by an administrator. */
    async passwordChanged(tx: RepoSet, organization: Organization, user: User, kind: PasswordChangeKind): Promise<void> {
      await mailer.enqueue(tx, {
        organization,
        userId: user.id,
        purpose: kind === 'by_user' ? 'password_changed' : 'password_set_by_administrator',
        recipient: user.userName,
        name: user.givenName,
        link: forgotPassword(organization),
      });
    },

    /** The account's addresses changed: said to the sign-in address, which stays. */
    async emailsChanged(tx: RepoSet, organization: Organization, user: User, before: readonly UserEmail[], after: readonly UserEmail[]): Promise<void> {
      const addresses = describeChange(before, after);
      if (!addresses) return;
      await mailer.enqueue(tx, { organization, userId: user.id, purpose: 'email_changed', recipient: user.userName, name: user.givenName, extra: { addresses } });
    },

    /** A new administrator: said to the owner, who alone may remove them. */
    async administratorAdded(tx: RepoSet, organization: Organization, administrator: User): Promise<void> {
      const owner = (await tx.users.listAdministrators(organization.id)).find((u) => u.adminRole === 'owner');
      if (!owner || owner.id === administrator.id) return;
      await mailer.enqueue(tx, {
        organization,
        userId: owner.id,
        purpose: 'administrator_added',
        recipient: owner.userName,
        name: owner.givenName,
        link: `${publicUrl}/t/${organization.handle}/console/`,
        extra: { administratorEmail: administrator.userName },
      });
    },
  };
}

/** "added a@x; removed b@y", or undefined when the set of addresses is the same. */
export function describeChange(before: readonly UserEmail[], after: readonly UserEmail[]): string | undefined {
  const values = (emails: readonly UserEmail[]) => new Set(emails.map((e) => e.value.toLowerCase()));
  const [old, now] = [values(before), values(after)];
  const added = [...now].filter((v) => !old.has(v));
  const removed = [...old].filter((v) => !now.has(v));
  const parts = [added.length > 0 && `added ${added.join(', ')}`, removed.length > 0 && `removed ${removed.join(', ')}`].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

export type SecurityNotifications = ReturnType<typeof createSecurityNotifications>;
