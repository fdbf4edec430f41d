// Temporary passwords: a password an administrator gives a new customer is temporary when the
// organization says so (the default). Signing in with it leads only to a forced change, made
// with a short-lived one-time link bound to the user, before any application gets a code. It
// expires (per organization, 7 days by default) and cannot be reused as the new password.

import type { Repos } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { User } from '../repos/user-repo.ts';
import type { PasswordHasher } from '../security/password-hasher.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../errors.ts';
import { assertPasswordAcceptable } from './password-policy.ts';
import { inspectLink, issueLink, linkError, redeemLink } from './link-service.ts';
import { endWhatTheOldPasswordOpened } from './password-change.ts';
import type { SecurityNotifications } from './security-notifications.ts';
import { auditFields, type RequestContext } from './request-context.ts';

export const CHANGE_LINK_TTL_SECONDS = 15 * 60;

export function createTemporaryPasswordService(deps: { repos: Repos; hasher: PasswordHasher; clock: Clock; notifications: SecurityNotifications }) {
  const { repos, hasher, clock, notifications } = deps;

  async function linkedUser(organization: Organization, token: string): Promise<User> {
    const status = await inspectLink(repos, 'change_temporary_password', token, clock.now());
    if (status.state !== 'valid') throw linkError(status.state);
    const user = status.link.userId && status.link.orgId === organization.id ? await repos.users.findById(organization.id, status.link.userId) : undefined;
    if (!user) throw linkError('unknown');
    return user;
  }

  return {
    linkedUser,

    /** After a sign-in with a valid temporary password: the secret of the change form. */
    async beginChange(orgId: string, userId: string): Promise<string> {
      const { token } = await repos.transaction((tx) =>
        issueLink(tx, { purpose: 'change_temporary_password', orgId, userId, ttlSeconds: CHANGE_LINK_TTL_SECONDS, now: clock.now() }),
      );
      return token;
    },

    /**
     * Replaces the temporary password and signs the person in: the caller (routes/forced-change.ts)
     * finishes the sign-in request it belongs to, after the application-access check.
     */
    async complete(organization: Organization, token: string, password: string, ctx: RequestContext): Promise<User> {
      const user = await linkedUser(organization, token);
      // Disabled or locked by an administrator since the sign-in began: no way in through here.
      if (user.accountState !== 'active') throw new AppError('user.not_active', 'This account cannot sign in now. Ask your administrator.');
      const credential = await repos.credentials.findPassword(organization.id, user.id);
      if (!credential?.isTemporary) throw linkError('used');
      const settings = await repos.settings.find(organization.id);
      assertPasswordAcceptable(password, { email: user.userName, organizationName: organization.displayName, minLength: settings.passwordMinLength });
      if (await hasher.verify(credential.passwordHash, password)) {
        throw new AppError('password.policy', 'Choose a new password: it must differ from the temporary one', { details: { field: 'password' } });
      }
      const passwordHash = await hasher.hash(password);
      return repos.transaction(async (tx) => {
        const now = clock.now();
        const link = await redeemLink(tx, 'change_temporary_password', token, now);
        if (link.userId !== user.id) throw linkError('unknown');
        await tx.credentials.setPassword(organization.id, user.id, passwordHash, { isTemporary: false, expiresAt: null, now });
        await endWhatTheOldPasswordOpened(tx, organization.id, user.id, now);
        await notifications.passwordChanged(tx, organization, user, 'by_user');
        await tx.audit.record({
          ...auditFields({ ...ctx, actor: { type: 'user', id: user.id } }),
          orgId: organization.id,
          occurredAt: now,
          action: 'user.password_changed',
          targetType: 'user',
          targetId: user.id,
          after: { temporaryReplaced: true },
        });
        await tx.audit.record({ ...auditFields({ ...ctx, actor: { type: 'user', id: user.id } }), orgId: organization.id, occurredAt: now, action: 'sign_in.succeeded', targetType: 'user', targetId: user.id, after: { afterTemporaryPasswordChange: true } });
        return user;
      });
    },
  };
}

export type TemporaryPasswordService = ReturnType<typeof createTemporaryPasswordService>;
