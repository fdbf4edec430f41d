// Setting a password through a one-time link: the link is consumed, the password stored, and
// the account activated with its email marked verified (the link reached that inbox), all in
// one transaction.

import type { Repos } from '../repos/index.ts';
import type { PasswordHasher } from '../security/password-hasher.ts';
import type { Clock } from '../lib/clock.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { User } from '../repos/user-repo.ts';
import { AppError } from '../errors.ts';
import { assertPasswordAcceptable } from './password-policy.ts';
import { inspectLink, linkError, redeemLink } from './link-service.ts';
import { auditFields, type RequestContext } from './request-context.ts';

export function createPasswordService(deps: { repos: Repos; hasher: PasswordHasher; clock: Clock }) {
  const { repos, hasher, clock } = deps;

  async function linkedUser(organization: Organization, token: string): Promise<User> {
    const status = await inspectLink(repos, 'set_password', token, clock.now());
    if (status.state !== 'valid') throw linkError(status.state);
    const user = status.link.userId && status.link.orgId === organization.id ? await repos.users.findById(organization.id, status.link.userId) : undefined;
    if (!user) throw linkError('unknown');
    return user;
  }

  return {
    /** The user a set-password link is for, if the link is still good (for rendering the page). */
    linkedUser,

    async setPasswordWithLink(organization: Organization, token: string, password: string, ctx: RequestContext): Promise<User> {
      const user = await linkedUser(organization, token);
      assertPasswordAcceptable(password, { email: user.userName, organizationName: organization.displayName });
      const passwordHash = await hasher.hash(password);

      return repos.transaction(async (tx) => {
        const now = clock.now();
        const link = await redeemLink(tx, 'set_password', token, now);
        if (link.userId !== user.id) throw linkError('unknown');
        await tx.credentials.setPassword(organization.id, user.id, passwordHash, { isTemporary: false, expiresAt: null, now });
        const current = await tx.users.findById(organization.id, user.id);
        if (!current) throw linkError('unknown');
        const activated = current.accountState === 'pending' ? 'active' : current.accountState;
        const updated = await tx.users.update(organization.id, user.id, current.version, { accountState: activated, emailVerified: true }, now);
        if (!updated) throw new AppError('user.version_mismatch', 'The account changed while the password was being set; try again');
        await tx.audit.record({
          ...auditFields({ ...ctx, actor: { type: 'user', id: user.id } }),
          orgId: organization.id,
          occurredAt: now,
          action: 'user.password_set',
          targetType: 'user',
          targetId: user.id,
          before: { accountState: current.accountState, emailVerified: current.emailVerified },
          after: { accountState: updated.accountState, emailVerified: updated.emailVerified },
        });
        return updated;
      });
    },
  };
}

export type PasswordService = ReturnType<typeof createPasswordService>;
