// Invitations and the links that onboarding mails carry. An invitation is a pending account
// with no usable password and a set_password link, mailed through the outbox in the same
// transaction (or handed to the administrator to pass on: an "offline" invitation). Resending
// replaces the link. Also: the hooks user creation calls (temporary passwords, the
// organization's minimum length, releasing an address held by an unverified self-registration),
// and the public "send me a new link" form behind every expired or used link's page.

import type { Repos, RepoSet } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { User } from '../repos/user-repo.ts';
import type { Clock } from '../lib/clock.ts';
import type { AttemptLimiter } from '../security/attempt-limiter.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { OrganizationSettings } from '../repos/settings-repo.ts';
import { assertMayActOnAccount } from './account-privileges.ts';
import { AppError } from '../errors.ts';
import { canonicalEmail, isValidEmail } from '../lib/email.ts';
import { linkUrl, onboardingPaths } from '../lib/onboarding-paths.ts';
import { issueLink } from './link-service.ts';
import { takeOnboardingAttempt } from './rate-limits.ts';
import { auditFields, type RequestContext } from './request-context.ts';

export type InvitationDelivery = 'email' | 'link';

export interface InvitationLink {
  /** The set-password URL: mailed, or shown to the administrator for an offline invitation. */
  url: string;
  expiresAt: Date;
  delivery: InvitationDelivery;
  /** The outbox mail, when mailed. */
  mailId?: string;
}

/** A password-reset link lives an hour; verification and invitation links per the organization. */
export const RESET_LINK_TTL_SECONDS = 60 * 60;

export type PublicRequestResult = { outcome: 'accepted' } | { outcome: 'throttled'; retryAfterSeconds: number };

export function createOnboardingService(deps: { repos: Repos; clock: Clock; mailer: Mailer; limiter: AttemptLimiter; publicUrl: string }) {
  const { repos, clock, mailer, limiter, publicUrl } = deps;

  async function startInvitation(
    tx: RepoSet,
    organization: Organization,
    user: User,
    delivery: InvitationDelivery,
    resend = false,
    known?: { settings?: OrganizationSettings; newUser?: boolean },
  ): Promise<InvitationLink> {
    const settings = known?.settings ?? (await tx.settings.find(organization.id));
    const now = clock.now();
    const { token, expiresAt } = await issueLink(tx, {
      purpose: 'set_password',
      orgId: organization.id,
      userId: user.id,
      ttlSeconds: settings.invitationTtlSeconds,
      now,
      newUser: known?.newUser,
    });
    const url = linkUrl(publicUrl, onboardingPaths.setPassword(organization.handle), token);
    let mailId: string | undefined;
    if (delivery === 'email') {
      mailId = await mailer.enqueue(tx, {
        organization,
        userId: user.id,
        purpose: resend ? 'invitation_resend' : 'invitation',
        recipient: user.userName,
        name: user.givenName,
        link: url,
        expiresAt,
      });
    }
    return { url, expiresAt, delivery, ...(mailId && { mailId }) };
  }

  async function sendVerification(tx: RepoSet, organization: Organization, user: User): Promise<string> {
    const settings = await tx.settings.find(organization.id);
    const now = clock.now();
    const { token, expiresAt } = await issueLink(tx, { purpose: 'verify_email', orgId: organization.id, userId: user.id, ttlSeconds: settings.invitationTtlSeconds, now });
    return mailer.enqueue(tx, {
      organization,
      userId: user.id,
      purpose: 'verification',
      recipient: user.userName,
      name: user.givenName,
      link: linkUrl(publicUrl, onboardingPaths.verifyEmail(organization.handle), token),
      expiresAt,
    });
  }

  async function sendPasswordReset(tx: RepoSet, organization: Organization, user: User): Promise<string> {
    const now = clock.now();
    const { token, expiresAt } = await issueLink(tx, { purpose: 'reset_password', orgId: organization.id, userId: user.id, ttlSeconds: RESET_LINK_TTL_SECONDS, now });
    return mailer.enqueue(tx, {
      organization,
      userId: user.id,
      purpose: 'password_reset',
      recipient: user.userName,
      name: user.givenName,
      link: linkUrl(publicUrl, onboardingPaths.resetPassword(organization.handle), token),
      expiresAt,
    });
  }

  /**
   * Takes an account back from an unverified self-registration: its password (chosen by
   * whoever registered, who may not own the address) and its sessions go, and it becomes a
   * pending account waiting for the address's owner.
   */
  async function discardRegistrationPassword(tx: RepoSet, organization: Organization, user: User, ctx: RequestContext): Promise<User> {
    const now = clock.now();
    await tx.credentials.removePassword(organization.id, user.id);
    await tx.oidcPayloads.revokeByAccountId(organization.id, user.id);
    await tx.registrations.markVerified(organization.id, user.id, now);
    const updated = user.accountState === 'pending' ? user : await tx.users.update(organization.id, user.id, user.version, { accountState: 'pending' }, now);
    if (!updated) throw new AppError('user.version_mismatch', 'The user was changed by another request at the same time; try again');
    await tx.audit.record({ ...auditFields(ctx), orgId: organization.id, occurredAt: now, action: 'user.registration_password_discarded', targetType: 'user', targetId: user.id });
    return updated;
  }

  async function requireUser(tx: RepoSet, orgId: string, id: string): Promise<User> {
    const user = await tx.users.findById(orgId, id);
    if (!user) throw new AppError('user.not_found', `No user with id "${id}"`);
    return user;
  }

  const service = {
    startInvitation,
    sendVerification,
    sendPasswordReset,

    // --- hooks of user creation ------------------------------------------------------------

    async passwordMinLength(orgId: string): Promise<number> {
      return (await repos.settings.find(orgId)).passwordMinLength;
    },

    /** How a password an administrator gives on create is stored: temporary by default. */
    /** `forced`: temporary whatever the organization's setting (SCIM forcePasswordReset); the expiry is still the organization's. */
    async initialPassword(tx: RepoSet, orgId: string, now: Date, options: { forced?: boolean } = {}): Promise<{ isTemporary: boolean; expiresAt: Date | null }> {
      const settings = await tx.settings.find(orgId);
      return options.forced || settings.forceTemporaryPasswordChange
        ? { isTemporary: true, expiresAt: new Date(now.getTime() + settings.temporaryPasswordTtlSeconds * 1000) }
        : { isTemporary: false, expiresAt: null };
    },

    /**
     * Before an administrator creates (invites) `userName`: an unverified self-registered
     * account holding the address is removed, so the owner's invited account replaces it.
     */
    async releaseUnverifiedRegistration(tx: RepoSet, organization: Organization, userName: string, ctx: RequestContext): Promise<void> {
      const existing = await tx.users.findByUserName(organization.id, userName);
      if (!existing || existing.emailVerified || !(await tx.registrations.isUnverified(organization.id, existing.id))) return;
      await tx.oidcPayloads.revokeByAccountId(organization.id, existing.id);
      await tx.users.delete(organization.id, existing.id);
      await tx.audit.record({
        ...auditFields(ctx),
        orgId: organization.id,
        occurredAt: clock.now(),
        action: 'user.registration_released',
        targetType: 'user',
        targetId: existing.id,
        before: { userName: existing.userName, accountState: existing.accountState },
      });
    },

    // --- administrators ----------------------------------------------------------------------

    /**
     * Sends a pending user's invitation again with a new link (the old one stops working), or
     * returns the link for the administrator to pass on. An unverified self-registered
     * account becomes an invitation, losing the password it was registered with.
     */
    resendInvitation(organization: Organization, userId: string, delivery: InvitationDelivery, ctx: RequestContext): Promise<InvitationLink> {
      return repos.transaction((tx) => service.writeResendInvitation(tx, organization, userId, delivery, ctx));
    },

    /** The same inside the caller's transaction (a bulk action records its row's outcome with it). */
    async writeResendInvitation(tx: RepoSet, organization: Organization, userId: string, delivery: InvitationDelivery, ctx: RequestContext): Promise<InvitationLink> {
      let user = await requireUser(tx, organization.id, userId);
      await assertMayActOnAccount(tx, organization.id, ctx, user, 're-invite');
      const unverifiedRegistration = await tx.registrations.isUnverified(organization.id, user.id);
      if (unverifiedRegistration && !user.emailVerified) {
        user = await discardRegistrationPassword(tx, organization, user, ctx);
      } else if (user.accountState !== 'pending') {
        throw new AppError('invitation.not_pending', 'The user has already accepted the invitation; use password recovery instead');
      }
      const invitation = await startInvitation(tx, organization, user, delivery, true);
      await tx.audit.record({
        ...auditFields(ctx),
        orgId: organization.id,
        occurredAt: clock.now(),
        action: 'user.invitation_resent',
        targetType: 'user',
        targetId: user.id,
        after: { delivery, expiresAt: invitation.expiresAt.toISOString(), ...(invitation.mailId && { mailId: invitation.mailId }) },
      });
      return invitation;
    },

    // --- the public "send me a new link" form ----------------------------------------------

    /**
     * From an expired or used link's page: mails the address's owner the link that fits their
     * account (a new invitation, a new verification link, or a password reset), or nothing.
     * The answer is the same whatever the address.
     */
    async requestNewLink(organization: Organization, email: string, ctx: RequestContext): Promise<PublicRequestResult> {
      const userName = canonicalEmail(email);
      const wait = await takeOnboardingAttempt(limiter, 'resend', organization.id, userName, ctx.clientIp);
      if (wait > 0) return { outcome: 'throttled', retryAfterSeconds: wait };
      await repos.transaction(async (tx) => {
        const user = isValidEmail(userName) ? await tx.users.findByUserName(organization.id, userName) : undefined;
        let sent: string | undefined;
        if (user && (await tx.registrations.isUnverified(organization.id, user.id)) && !user.emailVerified) {
          await sendVerification(tx, organization, user);
          sent = 'verification';
        } else if (user?.accountState === 'pending') {
          await startInvitation(tx, organization, user, 'email', true);
          sent = 'invitation_resend';
        } else if (user?.accountState === 'active') {
          await sendPasswordReset(tx, organization, user);
          sent = 'password_reset';
        }
        await tx.audit.record({
          ...auditFields(ctx),
          orgId: organization.id,
          occurredAt: clock.now(),
          action: 'user.link_resent',
          targetType: user ? 'user' : null,
          targetId: user?.id ?? null,
          after: { sent: sent ?? null },
        });
      });
      return { outcome: 'accepted' };
    },
  };
  return service;
}

export type OnboardingService = ReturnType<typeof createOnboardingService>;
