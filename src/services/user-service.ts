// Managing an organization's users: create (optionally with group memberships, atomically),
// replace, delete, list. Slow work (argon2id) happens in `prepare*`, outside transactions;
// `write*` runs inside the caller's transaction so Bulk can put many operations in one.

import type { Repos, RepoSet } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { AccountState, GroupRef, User, UserEmail, UserListQuery } from '../repos/user-repo.ts';
import type { FilterNode } from '../scim/filter/ast.ts';
import { onlyUserType } from '../scim/filter/only-user-type.ts';
import type { Group } from '../repos/group-repo.ts';
import type { PasswordHasher } from '../security/password-hasher.ts';
import type { Clock } from '../lib/clock.ts';
import { assertMayActOnAccount } from './account-privileges.ts';
import { endWhatTheOldPasswordOpened } from './password-change.ts';
import type { SecurityNotifications } from './security-notifications.ts';
import { AppError } from '../errors.ts';
import { canonicalEmail, invalidEmailMessage } from '../lib/email.ts';
import { newId } from '../lib/ids.ts';
import { assertPasswordAcceptable, assertPasswordNotOverlong } from './password-policy.ts';
import type { InvitationDelivery, InvitationLink, OnboardingService } from './onboarding-service.ts';
import { auditFields, type RequestContext } from './request-context.ts';
import { storedHashProblem } from '../security/imported-hash.ts';

export const INVITATION_LINK_TTL_SECONDS = 24 * 60 * 60;
const MAX_TEXT = 256;

/** The attributes a client may set on a user; absent means "no value". */
export interface UserAttributes {
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  externalId: string | null;
  emails: UserEmail[];
  enterprise: Record<string, unknown> | null;
  /** SCIM core profile attributes (nickName, title, phoneNumbers, addresses, ...); undefined on a replace keeps the stored ones. */
  profile?: Record<string, unknown> | null;
  active: boolean;
  locked: boolean;
  emailVerified: boolean;
}

export interface NewUserInput extends Partial<UserAttributes> {
  userName: string;
  password?: string;
  /** Invite the user to set their own password instead (pending until they do). */
  askPassword?: boolean;
  /** Creates an administrator (role admin) instead of a customer; only owners invite them. */
  administrator?: boolean;
  /** With askPassword: mail the invitation (default), or only return its link ("offline"). */
  invitationDelivery?: InvitationDelivery;
  groupIds?: string[];
  /**
   * A password hash brought from another system (an import), already in the stored form that
   * security/imported-hash.ts makes: permanent, never checked against the policy (it cannot be),
   * rehashed to argon2id at the first successful sign-in. Excludes `password` and `askPassword`.
   */
  importedPasswordHash?: string;
  /**
   * A given `password` is temporary (to be changed at the first sign-in) whoever gives it and
   * whatever the organization's setting says: SCIM's `urn:scim:wso2:schema` `forcePasswordReset`.
   */
  forcePasswordReset?: boolean;
}

export interface ReplaceUserInput extends UserAttributes {
  /** Must equal the stored userName: it cannot change. */
  userName: string;
  password?: string;
  /** The given password is temporary (see NewUserInput.forcePasswordReset); without it a replaced password is permanent. */
  forcePasswordReset?: boolean;
}

/** What a replace writes, once checked and hashed. */
export interface PreparedReplace {
  attributes: UserAttributes;
  passwordHash?: string;
  forcePasswordReset?: boolean;
}

const PERMANENT = { isTemporary: false, expiresAt: null } as const;

export interface PreparedUser {
  input: NewUserInput & { userName: string };
  attributes: UserAttributes;
  passwordHash?: string;
}

/** A user as the APIs show it: with addresses and groups. */
export interface UserView {
  user: User;
  emails: UserEmail[];
  groups: GroupRef[];
  /** The password is a temporary one an administrator set, to be changed at the first sign-in. */
  temporaryPassword: boolean;
  /** On create with askPassword: the invitation's link and how it is delivered. */
  invitation?: InvitationLink;
  /** The enterprise manager, resolved at read time in the same organization (absent when unknown). */
  manager?: { id: string; displayName: string };
}

/** If-Match: refuses when the caller expected another version of the user. */
export function assertUserVersion(user: User, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && user.version !== expectedVersion) {
    throw new AppError('user.version_mismatch', `The user has changed (version ${user.version}, expected ${expectedVersion}); fetch it again`);
  }
}

function managerIdOf(enterprise: Record<string, unknown> | null | undefined): string | undefined {
  const manager = enterprise?.manager as { value?: unknown } | undefined;
  return typeof manager?.value === 'string' ? manager.value : undefined;
}

function invalid(message: string, field: string): AppError {
  return new AppError('request.invalid', message, { details: { field } });
}

function cleanText(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  if (trimmed.length > MAX_TEXT) throw invalid(`${field} must be at most ${MAX_TEXT} characters`, field);
  return trimmed === '' ? null : trimmed;
}

export function canonicalUserName(input: string): string {
  const userName = canonicalEmail(input);
  const problem = invalidEmailMessage(userName, `userName must be an email address (got "${input.trim()}")`);
  if (problem) throw new AppError('user.invalid_email', problem, { details: { field: 'userName' } });
  return userName;
}

function cleanEmails(emails: UserEmail[] | undefined): UserEmail[] {
  return (emails ?? []).map((email) => {
    const value = canonicalEmail(email.value ?? '');
    const problem = invalidEmailMessage(value, `"${email.value}" is not an email address`);
    if (problem) throw invalid(`emails: ${problem}`, 'emails');
    return { value, type: cleanText(email.type, 'emails.type'), primary: email.primary === true };
  });
}

function cleanAttributes(input: Partial<UserAttributes>): UserAttributes {
  return {
    givenName: cleanText(input.givenName, 'name.givenName'),
    familyName: cleanText(input.familyName, 'name.familyName'),
    displayName: cleanText(input.displayName, 'displayName'),
    externalId: cleanText(input.externalId, 'externalId'),
    emails: cleanEmails(input.emails),
    enterprise: input.enterprise && Object.keys(input.enterprise).length > 0 ? input.enterprise : null,
    profile: input.profile === undefined ? undefined : input.profile && Object.keys(input.profile).length > 0 ? input.profile : null,
    active: input.active ?? true,
    locked: input.locked ?? false,
    emailVerified: input.emailVerified ?? false,
  };
}

/** The account state that the SCIM-visible flags describe, starting from the current one. */
function stateFor(current: AccountState, attributes: Pick<UserAttributes, 'active' | 'locked'>): AccountState {
  if (!attributes.active) return 'disabled';
  if (attributes.locked) return 'locked';
  if (current === 'pending') return 'pending';
  return 'active';
}

function auditView(user: User) {
  return {
    userName: user.userName,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName,
    externalId: user.externalId,
    accountState: user.accountState,
    emailVerified: user.emailVerified,
  };
}

export function createUserService(deps: { repos: Repos; hasher: PasswordHasher; clock: Clock; onboarding: OnboardingService; notifications: SecurityNotifications }) {
  const { repos, hasher, clock, onboarding, notifications } = deps;

  // `reader` is the open transaction when there is one: on SQLite (one connection) a read beside
  // it would wait for the transaction forever.
  async function hashIfGiven(password: string | undefined, userName: string, organization: Organization, reader?: RepoSet): Promise<string | undefined> {
    if (password === undefined) return undefined;
    const minLength = reader ? (await reader.settings.find(organization.id)).passwordMinLength : await onboarding.passwordMinLength(organization.id);
    assertPasswordAcceptable(password, { email: userName, organizationName: organization.displayName, minLength });
    return hasher.hash(password);
  }

  async function requireGroups(tx: RepoSet, orgId: string, groupIds: string[]): Promise<Group[]> {
    const unique = [...new Set(groupIds)];
    const found = await tx.groups.findManyByIds(orgId, unique);
    const missing = unique.filter((id) => !found.some((g) => g.id === id));
    if (missing.length > 0) throw invalid(`No group with id ${missing.map((id) => `"${id}"`).join(', ')} in this organization`, 'groups');
    return found;
  }

  /** Users with their addresses, groups and temporary-password flags: three queries for any number of users. */
  async function views(tx: RepoSet, orgId: string, users: User[]): Promise<UserView[]> {
    const ids = users.map((u) => u.id);
    const [emails, groups, temporary] = await Promise.all([
      tx.users.listEmails(orgId, ids),
      tx.groups.listGroupsOfUsers(orgId, ids),
      tx.credentials.usersWithTemporaryPassword(orgId, ids),
    ]);
    return withManagers(tx, orgId, users.map((user) => ({ user, emails: emails.get(user.id) ?? [], groups: groups.get(user.id) ?? [], temporaryPassword: temporary.has(user.id) })));
  }

  /** Resolves the enterprise managers of `list` in one query, only among the organization's own users. */
  async function withManagers(tx: RepoSet, orgId: string, list: UserView[]): Promise<UserView[]> {
    const ids = [...new Set(list.map((v) => managerIdOf(v.user.enterprise)).filter((id): id is string => id !== undefined))];
    if (ids.length === 0) return list;
    const managers = new Map((await tx.users.findManyByIds(orgId, ids)).map((m) => [m.id, m]));
    return list.map((v) => {
      const manager = managers.get(managerIdOf(v.user.enterprise) ?? '');
      if (!manager) return v;
      const displayName = manager.displayName || [manager.givenName, manager.familyName].filter(Boolean).join(' ') || manager.userName;
      return { ...v, manager: { id: manager.id, displayName } };
    });
  }

  /** A manager named anew must be a user of the same organization, and not the user themselves. */
  async function requireManager(tx: RepoSet, orgId: string, userId: string, enterprise: Record<string, unknown> | null | undefined, before?: Record<string, unknown> | null) {
    const managerId = managerIdOf(enterprise);
    if (managerId === undefined || managerId === managerIdOf(before)) return;
    if (managerId === userId) throw invalid('A user cannot be their own manager', 'manager');
    if (!(await tx.users.findById(orgId, managerId))) throw invalid(`No user with id "${managerId}" in this organization to be the manager`, 'manager');
  }

  async function view(tx: RepoSet, user: User): Promise<UserView> {
    return (await views(tx, user.orgId, [user]))[0];
  }

  async function requireUser(tx: RepoSet, orgId: string, id: string): Promise<User> {
    const user = await tx.users.findById(orgId, id);
    if (!user) throw new AppError('user.not_found', `No user with id "${id}"`);
    return user;
  }

  /**
   * Whether a password given on create is temporary (docs/security.md section 15): an imported
   * hash is the user's own; forcePasswordReset makes it temporary whoever sets it; an
   * application's (client credentials: provisioning from another system) is permanent; a
   * person's (the Console, an administrator's token) follows the organization's
   * forceTemporaryPasswordChange.
   */
  async function initialPasswordState(tx: RepoSet, orgId: string, input: NewUserInput, ctx: RequestContext, now: Date) {
    if (input.importedPasswordHash !== undefined) return PERMANENT;
    if (input.forcePasswordReset === true) return onboarding.initialPassword(tx, orgId, now, { forced: true });
    if (ctx.actor.type === 'application') return PERMANENT;
    return onboarding.initialPassword(tx, orgId, now);
  }

  const service = {
    /** `reader`: the transaction the caller already holds (Bulk), if any. */
    async prepareCreate(organization: Organization, input: NewUserInput, reader?: RepoSet): Promise<PreparedUser> {
      const userName = canonicalUserName(input.userName);
      if (input.askPassword && input.password !== undefined) {
        throw invalid('Give either a password or askPassword, not both', 'password');
      }
      if (input.importedPasswordHash !== undefined && (input.password !== undefined || input.askPassword)) {
        throw invalid('Give either a password hash, a password or askPassword, not two', 'password');
      }
      if (input.forcePasswordReset && input.password === undefined) {
        throw invalid('forcePasswordReset makes the password given with it temporary: give a password too', 'forcePasswordReset');
      }
      const hashProblem = input.importedPasswordHash !== undefined ? storedHashProblem(input.importedPasswordHash) : undefined;
      if (hashProblem) throw invalid(`The imported password hash is unusable: ${hashProblem}`, 'password');
      const attributes = cleanAttributes(input);
      const passwordHash = input.importedPasswordHash ?? (await hashIfGiven(input.password, userName, organization, reader));
      return { input: { ...input, userName }, attributes, passwordHash };
    },

    async writeCreate(tx: RepoSet, organization: Organization, prepared: PreparedUser, ctx: RequestContext): Promise<UserView> {
      const now = clock.now();
      const { input, attributes } = prepared;
      await requireManager(tx, organization.id, '', attributes.enterprise);
      if (input.administrator) await assertMayActOnAccount(tx, organization.id, ctx, { id: '', userType: 'administrator', adminRole: 'admin' }, 'create');
      const user: User = {
        id: newId(),
        orgId: organization.id,
        userName: input.userName,
        givenName: attributes.givenName,
        familyName: attributes.familyName,
        displayName: attributes.displayName,
        externalId: attributes.externalId,
        enterprise: attributes.enterprise,
        profile: attributes.profile ?? null,
        userType: input.administrator ? 'administrator' : 'customer',
        adminRole: input.administrator ? 'admin' : null,
        accountState: stateFor(input.askPassword ? 'pending' : 'active', attributes),
        emailVerified: attributes.emailVerified,
        createdAt: now,
        modifiedAt: now,
        version: 1,
      };
      // An unverified self-registration holding the address gives way to the administrator's account.
      await onboarding.releaseUnverifiedRegistration(tx, organization, user.userName, ctx);
      // The view answered is built from what was written: a create reads nothing back.
      const emails = await tx.users.insert(user, attributes.emails);
      let temporaryPassword = false;
      if (prepared.passwordHash) {
        const initial = await initialPasswordState(tx, organization.id, input, ctx, now);
        await tx.credentials.setPassword(organization.id, user.id, prepared.passwordHash, { ...initial, now });
        temporaryPassword = initial.isTemporary;
      }
      const invitation = input.askPassword ? await onboarding.startInvitation(tx, organization, user, input.invitationDelivery ?? 'email', false, { newUser: true }) : undefined;
      if (input.administrator) await notifications.administratorAdded(tx, organization, user);
      let groups: Group[] = [];
      if (input.groupIds && input.groupIds.length > 0) {
        groups = await requireGroups(tx, organization.id, input.groupIds);
        for (const group of groups) await tx.groups.addMembers(organization.id, group.id, [user.id], now);
        // In listGroupsOfUsers' order, so a create answers as a read would.
        groups.sort((a, b) => (a.displayName.toLowerCase() < b.displayName.toLowerCase() ? -1 : a.displayName.toLowerCase() > b.displayName.toLowerCase() ? 1 : 0));
      }
      await tx.audit.record({
        ...auditFields(ctx),
        orgId: organization.id,
        occurredAt: now,
        action: input.askPassword ? 'user.invited' : 'user.created',
        targetType: 'user',
        targetId: user.id,
        after: { ...auditView(user), groupIds: input.groupIds ?? [], ...(invitation && { delivery: invitation.delivery, mailId: invitation.mailId }) },
      });
      return (await withManagers(tx, organization.id, [{ user, emails, groups, temporaryPassword, ...(invitation && { invitation }) }]))[0];
    },

    async createUser(organization: Organization, input: NewUserInput, ctx: RequestContext): Promise<UserView> {
      const prepared = await service.prepareCreate(organization, input);
      return repos.transaction((tx) => service.writeCreate(tx, organization, prepared, ctx));
    },

    getUser(orgId: string, id: string): Promise<UserView> {
      return service.getUserIn(repos, orgId, id);
    },

    /** Reads within a transaction (Bulk, PATCH): never beside it, which would deadlock SQLite. */
    async getUserIn(tx: RepoSet, orgId: string, id: string): Promise<UserView> {
      return view(tx, await requireUser(tx, orgId, id));
    },

    /** `reader`: the transaction the caller already holds (PATCH, Bulk), if any. */
    async prepareReplace(
      organization: Organization,
      current: User,
      input: ReplaceUserInput,
      reader?: RepoSet,
    ): Promise<PreparedReplace> {
      if (canonicalEmail(input.userName) !== current.userName) {
        throw new AppError('request.invalid', 'userName cannot be changed', { details: { field: 'userName', scimType: 'mutability' } });
      }
      if (input.forcePasswordReset && input.password === undefined) {
        throw invalid('forcePasswordReset makes the password given with it temporary: give a password too', 'forcePasswordReset');
      }
      return {
        attributes: cleanAttributes(input),
        passwordHash: await hashIfGiven(input.password, current.userName, organization, reader),
        ...(input.forcePasswordReset && { forcePasswordReset: true }),
      };
    },

    /** Replaces every client-settable attribute (PUT semantics; PATCH arrives here after applying). */
    async writeReplace(
      tx: RepoSet,
      organization: Organization,
      id: string,
      prepared: PreparedReplace,
      ctx: RequestContext,
      expectedVersion?: number,
    ): Promise<UserView> {
      const current = await requireUser(tx, organization.id, id);
      await assertMayActOnAccount(tx, organization.id, ctx, current, 'change');
      assertUserVersion(current, expectedVersion);
      const now = clock.now();
      const { attributes, passwordHash } = prepared;
      await requireManager(tx, organization.id, id, attributes.enterprise, current.enterprise);
      let accountState = stateFor(current.accountState, attributes);
      // An administrator giving a pending (invited) user a password activates the account.
      if (passwordHash && accountState === 'pending') accountState = 'active';
      // Unlocking or enabling an account that never got a password (an invitation locked
      // before it was accepted) returns it to pending, so the invitation can be sent again.
      if (accountState === 'active' && current.accountState !== 'active' && !passwordHash && !(await tx.credentials.findPassword(organization.id, id))) {
        accountState = 'pending';
      }
      const updated = await tx.users.update(
        organization.id,
        id,
        current.version,
        {
          givenName: attributes.givenName,
          familyName: attributes.familyName,
          displayName: attributes.displayName,
          externalId: attributes.externalId,
          enterprise: attributes.enterprise,
          profile: attributes.profile,
          emailVerified: attributes.emailVerified,
          accountState,
        },
        now,
      );
      if (!updated) throw new AppError('user.version_mismatch', 'The user was changed by another request at the same time; try again');
      const emailsBefore = (await tx.users.listEmails(organization.id, [id])).get(id) ?? [];
      const emailsAfter = await tx.users.replaceEmails(organization.id, updated, attributes.emails);
      await notifications.emailsChanged(tx, organization, updated, emailsBefore, emailsAfter);
      if (passwordHash) {
        // A change in My Account keeps the session it was made from; any other ends them all.
        const bySelf = ctx.selfService !== undefined && ctx.actor.id === id;
        // A replaced password is permanent unless the caller forces a change (never one's own).
        const state = prepared.forcePasswordReset && !bySelf ? await onboarding.initialPassword(tx, organization.id, now, { forced: true }) : PERMANENT;
        await tx.credentials.setPassword(organization.id, id, passwordHash, { ...state, now });
        await endWhatTheOldPasswordOpened(tx, organization.id, id, now, { keepSessionUid: bySelf ? ctx.selfService?.sessionUid : undefined });
        await notifications.passwordChanged(tx, organization, updated, bySelf ? 'by_user' : 'by_administrator');
      }
      // Deprovisioning ends what the user holds right away.
      if (accountState !== 'active' && current.accountState === 'active') await tx.oidcPayloads.revokeByAccountId(organization.id, id);
      await tx.audit.record({
        ...auditFields(ctx),
        orgId: organization.id,
        occurredAt: now,
        action: 'user.updated',
        targetType: 'user',
        targetId: id,
        before: { ...auditView(current), emails: emailsBefore.map((e) => e.value) },
        after: { ...auditView(updated), emails: emailsAfter.map((e) => e.value), ...(passwordHash && { passwordChanged: true }) },
      });
      return view(tx, updated);
    },

    async replaceUser(organization: Organization, id: string, input: ReplaceUserInput, ctx: RequestContext, expectedVersion?: number): Promise<UserView> {
      const current = await requireUser(repos, organization.id, id);
      assertUserVersion(current, expectedVersion);
      const prepared = await service.prepareReplace(organization, current, input);
      return repos.transaction((tx) => service.writeReplace(tx, organization, id, prepared, ctx, expectedVersion ?? current.version));
    },

    /** Deletes irreversibly: memberships, addresses, credentials, links, sessions and tokens go too. */
    async writeDelete(tx: RepoSet, orgId: string, id: string, ctx: RequestContext, expectedVersion?: number): Promise<void> {
      const current = await requireUser(tx, orgId, id);
      await assertMayActOnAccount(tx, orgId, ctx, current, 'delete');
      assertUserVersion(current, expectedVersion);
      if (current.adminRole === 'owner') throw new AppError('auth.forbidden', "The organization's owner cannot be deleted");
      await tx.oidcPayloads.revokeByAccountId(orgId, id);
      // A concurrent request may have deleted or changed the user since it was read: the
      // delete itself decides (one 204, then 404s; If-Match still holds at the moment of deletion).
      if (!(await tx.users.delete(orgId, id, expectedVersion))) {
        if (await tx.users.findById(orgId, id)) throw new AppError('user.version_mismatch', 'The user has changed; fetch it again');
        throw new AppError('user.not_found', `No user with id "${id}"`);
      }
      await tx.audit.record({
        ...auditFields(ctx),
        orgId,
        occurredAt: clock.now(),
        action: 'user.deleted',
        targetType: 'user',
        targetId: id,
        before: auditView(current),
      });
    },

    async deleteUser(orgId: string, id: string, ctx: RequestContext, expectedVersion?: number): Promise<void> {
      await repos.transaction((tx) => service.writeDelete(tx, orgId, id, ctx, expectedVersion));
    },

    async listUsers(orgId: string, query: UserListQuery): Promise<UserView[]> {
      // Not with an offset: the skipped rows would pay for their details too.
      if (repos.users.listsWithDetails && !query.offset) return withManagers(repos, orgId, await repos.users.listWithDetails(orgId, query));
      return views(repos, orgId, await repos.users.list(orgId, query));
    },

    /**
     * How many users the filter selects. Without a filter, or with only a user type (the
     * Console's Users list), the database's counter answers; any other filter is counted.
     */
    countUsers(orgId: string, filter?: FilterNode): Promise<number> {
      if (!filter) return repos.users.countFromCounter(orgId);
      const onlyType = onlyUserType(filter);
      if (onlyType) return repos.users.countFromCounter(orgId, onlyType);
      return repos.users.count(orgId, filter);
    },

    /** For /Me: checks the current password before a user changes their own. */
    async verifyPassword(orgId: string, userId: string, password: string): Promise<boolean> {
      assertPasswordNotOverlong(password);
      const credential = await repos.credentials.findPassword(orgId, userId);
      return credential ? hasher.verify(credential.passwordHash, password) : false;
    },
  };
  return service;
}

export type UserService = ReturnType<typeof createUserService>;
