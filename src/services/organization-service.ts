// Creating an organization: the organization, its OpenID Provider keys and its owner are one
// transaction. The owner either gets a password now or a one-time link to set one.

import type { Repos, RepoSet } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { User } from '../repos/user-repo.ts';
import type { PasswordHasher } from '../security/password-hasher.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../errors.ts';
import { canonicalEmail, invalidEmailMessage } from '../lib/email.ts';
import { HANDLE_RULE, isValidHandle } from '../lib/handle.ts';
import { newId } from '../lib/ids.ts';
import { generateCookieKeys, generateSigningKey } from '../security/signing-keys.ts';
import { assertPasswordAcceptable } from './password-policy.ts';
import { issueLink, type IssuedLink } from './link-service.ts';
import { ensureBuiltInApplications } from './application-service.ts';
import { auditFields, type RequestContext } from './request-context.ts';

export const SET_PASSWORD_LINK_TTL_SECONDS = 24 * 60 * 60;

export interface NewOrganizationInput {
  handle: string;
  displayName: string;
  ownerEmail: string;
  ownerPassword?: string;
  ownerGivenName?: string;
  ownerFamilyName?: string;
}

export interface CreatedOrganization {
  organization: Organization;
  owner: User;
  /** Present when no password was given: the owner's one-time set-password link. */
  setPasswordLink?: IssuedLink;
}

interface PreparedOrganization {
  input: NewOrganizationInput & { ownerEmail: string; displayName: string };
  passwordHash?: string;
  signingKey: Awaited<ReturnType<typeof generateSigningKey>>;
}

export function createOrganizationService(deps: { repos: Repos; hasher: PasswordHasher; clock: Clock }) {
  const { repos, hasher, clock } = deps;

  /** Validates input and does the slow work (hashing, key generation) outside any transaction. */
  async function prepare(input: NewOrganizationInput): Promise<PreparedOrganization> {
    const handle = input.handle.trim();
    if (!isValidHandle(handle)) throw new AppError('organization.invalid_handle', `Invalid handle "${handle}": ${HANDLE_RULE}`);
    const displayName = input.displayName.trim();
    if (!displayName || displayName.length > 100) {
      throw new AppError('request.invalid', 'Organization name must be 1 to 100 characters', { details: { field: 'name' } });
    }
    const ownerEmail = canonicalEmail(input.ownerEmail);
    const emailProblem = invalidEmailMessage(ownerEmail, `Invalid email address "${input.ownerEmail.trim()}"`);
    if (emailProblem) throw new AppError('user.invalid_email', emailProblem, { details: { field: 'email' } });
    let passwordHash: string | undefined;
    if (input.ownerPassword !== undefined) {
      assertPasswordAcceptable(input.ownerPassword, { email: ownerEmail, organizationName: displayName });
      passwordHash = await hasher.hash(input.ownerPassword);
    }
    const signingKey = await generateSigningKey(clock.now());
    return { input: { ...input, handle, displayName, ownerEmail }, passwordHash, signingKey };
  }

  /** Writes a prepared organization inside the caller's transaction. */
  async function write(tx: RepoSet, prepared: PreparedOrganization, ctx: RequestContext): Promise<CreatedOrganization> {
    const now = clock.now();
    const { input } = prepared;
    const organization: Organization = { id: newId(), handle: input.handle, displayName: input.displayName, createdAt: now, updatedAt: now };
    await tx.organizations.insert(organization);
    await tx.providerKeys.insertSigningKey(organization.id, prepared.signingKey);
    await tx.providerKeys.insertCookieKeys(organization.id, generateCookieKeys());
    await ensureBuiltInApplications(tx, organization.id, now);

    const owner: User = {
      id: newId(),
      orgId: organization.id,
      userName: input.ownerEmail,
      givenName: input.ownerGivenName?.trim() || null,
      familyName: input.ownerFamilyName?.trim() || null,
      userType: 'administrator',
      adminRole: 'owner',
      // With a password chosen now the owner can sign in at once; otherwise the set-password
      // link activates the account and proves the address.
      accountState: prepared.passwordHash ? 'active' : 'pending',
      emailVerified: false,
      createdAt: now,
      modifiedAt: now,
      version: 1,
    };
    await tx.users.insert(owner);

    let setPasswordLink: IssuedLink | undefined;
    if (prepared.passwordHash) {
      await tx.credentials.setPassword(organization.id, owner.id, prepared.passwordHash, { isTemporary: false, expiresAt: null, now });
    } else {
      setPasswordLink = await issueLink(tx, {
        purpose: 'set_password',
        orgId: organization.id,
        userId: owner.id,
        ttlSeconds: SET_PASSWORD_LINK_TTL_SECONDS,
        now,
      });
    }

    const audit = auditFields(ctx);
    await tx.audit.record({
      ...audit,
      orgId: organization.id,
      occurredAt: now,
      action: 'organization.created',
      targetType: 'organization',
      targetId: organization.id,
      after: { handle: organization.handle, displayName: organization.displayName },
    });
    await tx.audit.record({
      ...audit,
      orgId: organization.id,
      occurredAt: now,
      action: 'user.created',
      targetType: 'user',
      targetId: owner.id,
      after: { userName: owner.userName, userType: owner.userType, adminRole: owner.adminRole, accountState: owner.accountState },
    });
    return { organization, owner, setPasswordLink };
  }

  return {
    prepare,
    write,

    async createOrganization(input: NewOrganizationInput, ctx: RequestContext): Promise<CreatedOrganization> {
      const prepared = await prepare(input);
      return repos.transaction((tx) => write(tx, prepared, ctx));
    },

    async requireByHandle(handle: string): Promise<Organization> {
      const organization = await repos.organizations.findByHandle(handle);
      if (!organization) throw new AppError('organization.not_found', `No organization with handle "${handle}"`);
      return organization;
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
