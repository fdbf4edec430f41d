// Self-registration: a hosted sign-up page makes a customer account and mails a verification
// link. The account stays pending until the address is verified, unless the organization
// activates self-registered accounts immediately. An address that already has an account gets
// the same answer, and its owner gets a mail saying someone tried; the work done is the same.
//
// Verifying proves the address, not that the registrant owns it: the verification page asks
// for the password the account was registered with, or lets the person choose a new one,
// which discards the registration password (see password-service.ts).

import type { Repos } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { User } from '../repos/user-repo.ts';
import type { PasswordHasher } from '../security/password-hasher.ts';
import type { AttemptLimiter } from '../security/attempt-limiter.ts';
import type { Clock } from '../lib/clock.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { OnboardingService, PublicRequestResult } from './onboarding-service.ts';
import type { PasswordService } from './password-service.ts';
import { AppError, isAppError } from '../errors.ts';
import { canonicalEmail, invalidEmailMessage } from '../lib/email.ts';
import { newId } from '../lib/ids.ts';
import { randomToken } from '../security/tokens.ts';
import { onboardingPaths } from '../lib/onboarding-paths.ts';
import { assertPasswordAcceptable, assertPasswordNotOverlong } from './password-policy.ts';
import { linkError, redeemLink } from './link-service.ts';
import { takeOnboardingAttempt } from './rate-limits.ts';
import { auditFields, type RequestContext } from './request-context.ts';

export interface RegistrationInput {
  email: string;
  givenName: string;
  familyName: string;
  password: string;
}

const VERIFY_PASSWORD_RULE = { limit: 10, windowSeconds: 15 * 60 };
const MAX_NAME = 256;

export function createRegistrationService(deps: {
  repos: Repos;
  hasher: PasswordHasher;
  clock: Clock;
  limiter: AttemptLimiter;
  mailer: Mailer;
  publicUrl: string;
  onboarding: OnboardingService;
  passwords: PasswordService;
}) {
  const { repos, hasher, clock, limiter, mailer, publicUrl, onboarding, passwords } = deps;
  let decoyHash: Promise<string> | undefined;
  const decoy = () => (decoyHash ??= hasher.hash(randomToken(16)));

  function cleanName(value: string, field: string): string | null {
    const trimmed = value.trim();
    if (trimmed.length > MAX_NAME) throw new AppError('request.invalid', `${field} must be at most ${MAX_NAME} characters`, { details: { field } });
    return trimmed || null;
  }

  return {
    async isEnabled(orgId: string): Promise<boolean> {
      return (await repos.settings.find(orgId)).selfRegistrationEnabled;
    },

    async register(organization: Organization, input: RegistrationInput, ctx: RequestContext): Promise<PublicRequestResult> {
      const settings = await repos.settings.find(organization.id);
      if (!settings.selfRegistrationEnabled) throw new AppError('request.not_found', 'This organization does not offer self-registration');
      const userName = canonicalEmail(input.email);
      const emailProblem = invalidEmailMessage(userName, 'Enter a valid email address');
      if (emailProblem) throw new AppError('user.invalid_email', emailProblem, { details: { field: 'email' } });
      const givenName = cleanName(input.givenName, 'givenName');
      const familyName = cleanName(input.familyName, 'familyName');
      // The rules depend on the password and address only, never on whether an account exists.
      assertPasswordAcceptable(input.password, { email: userName, organizationName: organization.displayName, minLength: settings.passwordMinLength });
      const wait = await takeOnboardingAttempt(limiter, 'sign_up', organization.id, userName, ctx.clientIp);
      if (wait > 0) return { outcome: 'throttled', retryAfterSeconds: wait };
      const passwordHash = await hasher.hash(input.password);

      try {
        await repos.transaction(async (tx) => {
          const now = clock.now();
          const existing = await tx.users.findByUserName(organization.id, userName);
          if (existing) {
            await mailer.enqueue(tx, {
              organization,
              userId: existing.id,
              purpose: 'registration_attempt',
              recipient: existing.userName,
              name: existing.givenName,
              link: `${publicUrl}${onboardingPaths.forgotPassword(organization.handle)}`,
            });
            await tx.audit.record({ ...auditFields(ctx), orgId: organization.id, occurredAt: now, action: 'user.registration_attempted', targetType: 'user', targetId: existing.id });
            return;
          }
          const user: User = {
            id: newId(),
            orgId: organization.id,
            userName,
            givenName,
            familyName,
            userType: 'customer',
            adminRole: null,
            accountState: settings.selfRegistrationActivateImmediately ? 'active' : 'pending',
            emailVerified: false,
            createdAt: now,
            modifiedAt: now,
            version: 1,
          };
          await tx.users.insert(user);
          await tx.credentials.setPassword(organization.id, user.id, passwordHash, { isTemporary: false, expiresAt: null, now });
          await tx.registrations.insert(organization.id, user.id, now);
          const mailId = await onboarding.sendVerification(tx, organization, user);
          await tx.audit.record({
            ...auditFields({ ...ctx, actor: { type: 'user', id: user.id } }),
            orgId: organization.id,
            occurredAt: now,
            action: 'user.registered',
            targetType: 'user',
            targetId: user.id,
            after: { userName, accountState: user.accountState, mailId },
          });
        });
      } catch (error) {
        // Two registrations of one new address at once: the other one made the account.
        if (!(isAppError(error) && error.code === 'user.email_in_use')) throw error;
      }
      return { outcome: 'accepted' };
    },

    /** The account a verification link is for (for rendering the page). */
    verificationUser(organization: Organization, token: string): Promise<User> {
      return passwords.linkedUser(organization, token, 'verify_email');
    },

    /** Verifies with the password the account was registered with: the registrant owns the address. */
    async verifyWithRegisteredPassword(organization: Organization, token: string, password: string, ctx: RequestContext): Promise<User> {
      assertPasswordNotOverlong(password);
      const user = await passwords.linkedUser(organization, token, 'verify_email');
      const key = `verify-email:${organization.id}:${user.id}`;
      if ((await limiter.take(key, VERIFY_PASSWORD_RULE)).retryAfterSeconds > 0) {
        throw new AppError('request.throttled', 'Too many wrong passwords. Choose a new password instead, or try again later.');
      }
      const credential = await repos.credentials.findPassword(organization.id, user.id);
      const matches = await hasher.verify(credential?.passwordHash ?? (await decoy()), password);
      if (!credential || !matches) {
        throw new AppError('auth.unauthorized', 'That is not the password this account was registered with. Choose a new password instead if you do not know it.');
      }
      return repos.transaction(async (tx) => {
        const now = clock.now();
        const link = await redeemLink(tx, 'verify_email', token, now);
        if (link.userId !== user.id) throw linkError('unknown');
        const current = await tx.users.findById(organization.id, user.id);
        if (!current) throw linkError('unknown');
        const state = current.accountState === 'pending' ? 'active' : current.accountState;
        const updated = await tx.users.update(organization.id, user.id, current.version, { accountState: state, emailVerified: true }, now);
        if (!updated) throw new AppError('user.version_mismatch', 'The account changed meanwhile; try again');
        await tx.registrations.markVerified(organization.id, user.id, now);
        await tx.audit.record({
          ...auditFields({ ...ctx, actor: { type: 'user', id: user.id } }),
          orgId: organization.id,
          occurredAt: now,
          action: 'user.email_verified',
          targetType: 'user',
          targetId: user.id,
          before: { accountState: current.accountState, emailVerified: current.emailVerified },
          after: { accountState: updated.accountState, emailVerified: true, passwordReplaced: false },
        });
        if (current.accountState === 'pending' && updated.accountState === 'active') {
          await tx.audit.record({ ...auditFields(ctx), orgId: organization.id, occurredAt: now, action: 'user.activated', targetType: 'user', targetId: user.id });
          if ((await tx.settings.find(organization.id)).sendActivationMail) {
            await mailer.enqueue(tx, { organization, userId: user.id, purpose: 'activation', recipient: updated.userName, name: updated.givenName });
          }
        }
        await limiter.reset(key, VERIFY_PASSWORD_RULE);
        return updated;
      });
    },

    /** Verifies by choosing a new password: whatever the registrant chose is gone. */
    verifyWithNewPassword(organization: Organization, token: string, password: string, ctx: RequestContext): Promise<User> {
      return passwords.setPasswordWithLink(organization, token, password, ctx, 'verify_email');
    },
  };
}

export type RegistrationService = ReturnType<typeof createRegistrationService>;
