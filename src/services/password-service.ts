// Setting a password through a one-time link: an invitation (set_password), a reset
// (reset_password), or a verification that chooses a new password (verify_email). The link is
// consumed, the password stored, and the account activated with its email marked verified
// (the link reached that inbox), all in one transaction, with the mails it causes.
//
// A password set this way replaces whatever password the account had: an unverified
// self-registered account loses the password it was registered with (its registrant may not
// own the address), and every session and refresh token of the user ends.

import type { Repos } from '../repos/index.ts';
import type { PasswordHasher } from '../security/password-hasher.ts';
import type { Clock } from '../lib/clock.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { User } from '../repos/user-repo.ts';
import type { LinkPurpose } from '../repos/link-repo.ts';
import type { Mailer } from '../mail/mailer.ts';
import { AppError } from '../errors.ts';
import { assertPasswordAcceptable } from './password-policy.ts';
import { inspectLink, linkError, redeemLink } from './link-service.ts';
import { endWhatTheOldPasswordOpened } from './password-change.ts';
import type { SecurityNotifications } from './security-notifications.ts';
import { auditFields, type RequestContext } from './request-context.ts';

export type PasswordLinkPurpose = Extract<LinkPurpose, 'set_password' | 'reset_password' | 'verify_email'>;

const AUDIT_ACTION: Record<PasswordLinkPurpose, string> = {
  set_password: 'user.password_set',
  reset_password: 'user.password_reset',
  verify_email: 'user.email_verified',
};

export function createPasswordService(deps: { repos: Repos; hasher: PasswordHasher; clock: Clock; mailer: Mailer; notifications: SecurityNotifications }) {
  const { repos, hasher, clock, mailer, notifications } = deps;

  async function linkedUser(organization: Organization, token: string, purpose: PasswordLinkPurpose = 'set_password'): Promise<User> {
    const status = await inspectLink(repos, purpose, token, clock.now());
    if (status.state !== 'valid') throw linkError(status.state);
    const user = status.link.userId && status.link.orgId === organization.id ? await repos.users.findById(organization.id, status.link.userId) : undefined;
    if (!user) throw linkError('unknown');
    return user;
  }

  return {
    /** The user a link is for, if the link is still good (for rendering the page). */
    linkedUser,

    /** The organization's minimum password length (for the pages' hints). */
    async minLength(orgId: string): Promise<number> {
      return (await repos.settings.find(orgId)).passwordMinLength;
    },

    async setPasswordWithLink(
      organization: Organization,
      token: string,
      password: string,
      ctx: RequestContext,
      purpose: PasswordLinkPurpose = 'set_password',
    ): Promise<User> {
      const user = await linkedUser(organization, token, purpose);
      const settings = await repos.settings.find(organization.id);
      assertPasswordAcceptable(password, { email: user.userName, organizationName: organization.displayName, minLength: settings.passwordMinLength });
      const passwordHash = await hasher.hash(password);

      return repos.transaction(async (tx) => {
        const now = clock.now();
        const link = await redeemLink(tx, purpose, token, now);
        if (link.userId !== user.id) throw linkError('unknown');
        const current = await tx.users.findById(organization.id, user.id);
        if (!current) throw linkError('unknown');
        const hadUnverifiedRegistration = await tx.registrations.isUnverified(organization.id, user.id);
        const hadPassword = (await tx.credentials.findPassword(organization.id, user.id)) !== undefined;
        await tx.credentials.setPassword(organization.id, user.id, passwordHash, { isTemporary: false, expiresAt: null, now });
        const activated = current.accountState === 'pending' ? 'active' : current.accountState;
        const updated = await tx.users.update(organization.id, user.id, current.version, { accountState: activated, emailVerified: true }, now);
        if (!updated) throw new AppError('user.version_mismatch', 'The account changed while the password was being set; try again');
        await tx.registrations.markVerified(organization.id, user.id, now);
        // A new password ends everything the old one opened, and every other outstanding link.
        await endWhatTheOldPasswordOpened(tx, organization.id, user.id, now);
        // A reset replaces a password someone may have known; a first password tells nothing new.
        if (hadPassword) await notifications.passwordChanged(tx, organization, updated, 'by_user');
        await tx.audit.record({
          ...auditFields({ ...ctx, actor: { type: 'user', id: user.id } }),
          orgId: organization.id,
          occurredAt: now,
          action: AUDIT_ACTION[purpose],
          targetType: 'user',
          targetId: user.id,
          before: { accountState: current.accountState, emailVerified: current.emailVerified },
          after: {
            accountState: updated.accountState,
            emailVerified: updated.emailVerified,
            passwordReplaced: hadPassword,
            ...(hadUnverifiedRegistration && { registrationPasswordDiscarded: true }),
          },
        });
        if (current.accountState === 'pending' && updated.accountState === 'active') {
          await tx.audit.record({ ...auditFields(ctx), orgId: organization.id, occurredAt: now, action: 'user.activated', targetType: 'user', targetId: user.id });
          if ((await tx.settings.find(organization.id)).sendActivationMail) {
            await mailer.enqueue(tx, { organization, userId: user.id, purpose: 'activation', recipient: updated.userName, name: updated.givenName });
          }
        }
        return updated;
      });
    },
  };
}

export type PasswordService = ReturnType<typeof createPasswordService>;
