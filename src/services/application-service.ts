// An organization's applications as OAuth clients, and who may use them. Redirect URIs are
// stored exactly as given and compared exactly by the provider. A client secret is returned
// once and only its SHA-256 is kept. Each organization also has two built-in applications:
// the Console (owners and administrators only) and My Account (every user).

import type { Repos, RepoSet } from '../repos/index.ts';
import type { Application, ApplicationType, BuiltInApplication } from '../repos/application-repo.ts';
import type { User } from '../repos/user-repo.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../errors.ts';
import { randomToken, sha256Hex } from '../security/tokens.ts';
import { isApiScope } from '../oidc/scopes.ts';
import { auditFields, type RequestContext } from './request-context.ts';
import { checkAllowedOrigins } from './browser-origins.ts';

export const APPLICATION_TYPES: readonly ApplicationType[] = ['spa', 'web', 'm2m'];

export interface NewApplicationInput {
  name: string;
  type: string;
  description?: string | null;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  /** Browser origins allowed besides the redirect URIs' (CORS). */
  allowedOrigins?: string[];
  scopes?: string[];
  /** Limit sign-in to members of these groups (an empty list with `accessRestricted` means nobody). */
  allowedGroupIds?: string[];
  accessRestricted?: boolean;
}

export interface ApplicationUpdate {
  name?: string;
  description?: string | null;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  allowedOrigins?: string[];
  scopes?: string[];
  allowedGroupIds?: string[];
  accessRestricted?: boolean;
}

export interface CreatedApplication {
  application: Application;
  /** Only for confidential clients (web, m2m); shown once. */
  clientSecret?: string;
}

function invalid(message: string, field: string): AppError {
  return new AppError('application.invalid', message, { details: { field } });
}

/** Absolute http(s) URI with no fragment and no userinfo, as OAuth 2.0 requires. */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URI`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${uri}" must use http or https`;
  if (url.hash || uri.includes('#')) return `"${uri}" must not contain a fragment`;
  if (url.username || url.password) return `"${uri}" must not contain a user name or password`;
  return undefined;
}

function checkUris(uris: string[], field: string): string[] {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw invalid(`Invalid ${field === 'redirectUris' ? 'redirect' : 'post-logout redirect'} URI: ${problem}`, field);
  }
  return [...new Set(uris)];
}

function checkName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed || trimmed.length > 100) throw invalid('Application name must be 1 to 100 characters', 'name');
  return trimmed;
}

function checkScopes(type: ApplicationType, scopes: string[]): string[] {
  const unique = [...new Set(scopes)];
  if (type === 'm2m') {
    const unknown = unique.filter((s) => !isApiScope(s));
    if (unknown.length > 0) throw invalid(`Unknown API scope(s): ${unknown.join(', ')}`, 'scopes');
  } else if (unique.length > 0) {
    throw invalid('Scopes are granted to machine-to-machine applications only', 'scopes');
  }
  return unique;
}

function checkRedirects(type: ApplicationType, redirectUris: string[]): void {
  if (type === 'm2m' && redirectUris.length > 0) throw invalid('A machine-to-machine application has no redirect URIs', 'redirectUris');
  if (type !== 'm2m' && redirectUris.length === 0) throw invalid('At least one redirect URI is required', 'redirectUris');
}

const BUILT_IN_NAMES: Record<BuiltInApplication, string> = { console: 'Console', myaccount: 'My Account' };

/**
 * Creates an organization's built-in applications if they are missing (inside the caller's
 * transaction). Their redirect URIs are derived from PUBLIC_URL when the provider reads them,
 * so nothing stored here depends on the address the server has today.
 */
export async function ensureBuiltInApplications(tx: RepoSet, orgId: string, now: Date): Promise<void> {
  for (const builtIn of ['console', 'myaccount'] as const) {
    if (await tx.applications.findBuiltIn(orgId, builtIn)) continue;
    await tx.applications.insert({
      id: `${builtIn}-${randomToken(12)}`,
      orgId,
      name: BUILT_IN_NAMES[builtIn],
      description: null,
      type: 'spa',
      builtIn,
      clientSecretHash: null,
      redirectUris: [],
      postLogoutRedirectUris: [],
      scopes: [],
      accessRestricted: false,
      allowedGroupIds: [],
      createdAt: now,
      updatedAt: now,
    });
  }
}

/** Who may use an application; `inAllowedGroup` answers for group-restricted ones. */
async function admits(user: User, application: Pick<Application, 'builtIn' | 'accessRestricted'>, inAllowedGroup: () => Promise<boolean>): Promise<boolean> {
  if (user.accountState !== 'active') return false;
  if (application.builtIn === 'console') return user.userType === 'administrator';
  if (application.builtIn === 'myaccount') return true;
  if (!application.accessRestricted) return true;
  return inAllowedGroup();
}

export function createApplicationService(deps: { repos: Repos; clock: Clock; onChange?: (orgId: string) => void }) {
  const { repos, clock } = deps;
  /** After a committed change: the organization's browser origins may differ now. */
  const changed = <T>(orgId: string, result: T): T => {
    deps.onChange?.(orgId);
    return result;
  };

  async function requireGroups(tx: RepoSet, orgId: string, groupIds: string[]): Promise<string[]> {
    const unique = [...new Set(groupIds)];
    const found = await tx.groups.findManyByIds(orgId, unique);
    const missing = unique.filter((id) => !found.some((g) => g.id === id));
    if (missing.length > 0) throw invalid(`No group with id ${missing.map((id) => `"${id}"`).join(', ')} in this organization`, 'allowedGroupIds');
    return unique;
  }

  async function requireApplication(tx: RepoSet, orgId: string, id: string): Promise<Application> {
    const application = await tx.applications.findById(orgId, id);
    if (!application) throw new AppError('application.not_found', `No application with id "${id}"`);
    return application;
  }

  function auditView(app: Application) {
    return {
      name: app.name,
      type: app.type,
      redirectUris: app.redirectUris,
      postLogoutRedirectUris: app.postLogoutRedirectUris,
      allowedOrigins: app.allowedOrigins,
      scopes: app.scopes,
      accessRestricted: app.accessRestricted,
      allowedGroupIds: app.allowedGroupIds,
    };
  }

  const service = {
    async createApplication(orgId: string, input: NewApplicationInput, ctx: RequestContext): Promise<CreatedApplication> {
      const name = checkName(input.name);
      if (!APPLICATION_TYPES.includes(input.type as ApplicationType)) {
        throw invalid(`Application type must be one of ${APPLICATION_TYPES.join(', ')} (got "${input.type}")`, 'type');
      }
      const type = input.type as ApplicationType;
      const redirectUris = checkUris(input.redirectUris ?? [], 'redirectUris');
      const postLogoutRedirectUris = checkUris(input.postLogoutRedirectUris ?? [], 'postLogoutRedirectUris');
      checkRedirects(type, redirectUris);
      const allowedOrigins = checkAllowedOrigins(input.allowedOrigins ?? []);
      if (type === 'm2m' && allowedOrigins.length > 0) throw invalid('A machine-to-machine application runs in no browser and has no allowed origins', 'allowedOrigins');
      const scopes = checkScopes(type, input.scopes ?? []);
      if (type === 'm2m' && (input.allowedGroupIds?.length || input.accessRestricted)) {
        throw invalid('Group restrictions apply to applications people sign in to, not to machine-to-machine ones', 'allowedGroupIds');
      }

      const clientSecret = type === 'spa' ? undefined : randomToken(32);
      const now = clock.now();
      const created = await repos.transaction(async (tx) => {
        const allowedGroupIds = await requireGroups(tx, orgId, input.allowedGroupIds ?? []);
        const application: Application = {
          id: randomToken(18),
          orgId,
          name,
          description: input.description?.trim() || null,
          type,
          builtIn: null,
          hasSecret: clientSecret !== undefined,
          redirectUris,
          postLogoutRedirectUris,
          allowedOrigins,
          scopes,
          accessRestricted: input.accessRestricted ?? allowedGroupIds.length > 0,
          allowedGroupIds: (input.accessRestricted ?? allowedGroupIds.length > 0) ? allowedGroupIds : [],
          createdAt: now,
          updatedAt: now,
        };
        await tx.applications.insert({ ...application, clientSecretHash: clientSecret ? sha256Hex(clientSecret) : null });
        await tx.audit.record({
          ...auditFields(ctx),
          orgId,
          occurredAt: now,
          action: 'application.created',
          targetType: 'application',
          targetId: application.id,
          after: auditView(application),
        });
        return { application, clientSecret };
      });
      return changed(orgId, created);
    },

    async getApplication(orgId: string, id: string): Promise<Application> {
      return requireApplication(repos, orgId, id);
    },

    listApplications(orgId: string): Promise<Application[]> {
      return repos.applications.listForOrganization(orgId);
    },

    async updateApplication(orgId: string, id: string, update: ApplicationUpdate, ctx: RequestContext): Promise<Application> {
      const result = await repos.transaction(async (tx) => {
        const current = await requireApplication(tx, orgId, id);
        // Who may use a built-in app is fixed too (administrators for the Console, everyone for
        // My Account): a group restriction there would be stored and never applied.
        if (current.builtIn && (update.redirectUris || update.postLogoutRedirectUris || update.allowedOrigins || update.scopes || update.name || update.accessRestricted !== undefined || update.allowedGroupIds)) {
          throw invalid(`The built-in ${current.name} application's name, URIs, scopes and access are fixed`, 'builtIn');
        }
        const changes = {
          ...(update.name !== undefined && { name: checkName(update.name) }),
          ...(update.description !== undefined && { description: update.description?.trim() || null }),
          ...(update.redirectUris !== undefined && { redirectUris: checkUris(update.redirectUris, 'redirectUris') }),
          ...(update.postLogoutRedirectUris !== undefined && { postLogoutRedirectUris: checkUris(update.postLogoutRedirectUris, 'postLogoutRedirectUris') }),
          ...(update.allowedOrigins !== undefined && { allowedOrigins: checkAllowedOrigins(update.allowedOrigins) }),
          ...(update.scopes !== undefined && { scopes: checkScopes(current.type, update.scopes) }),
          ...(update.accessRestricted !== undefined && { accessRestricted: update.accessRestricted }),
        };
        if (changes.redirectUris) checkRedirects(current.type, changes.redirectUris);
        if (current.type === 'm2m' && changes.allowedOrigins?.length) throw invalid('A machine-to-machine application runs in no browser and has no allowed origins', 'allowedOrigins');
        if (current.type === 'm2m' && (update.allowedGroupIds?.length || update.accessRestricted)) {
          throw invalid('Group restrictions apply to applications people sign in to, not to machine-to-machine ones', 'allowedGroupIds');
        }
        const now = clock.now();
        if (update.allowedGroupIds !== undefined) {
          const groups = await requireGroups(tx, orgId, update.allowedGroupIds);
          await tx.applications.setAllowedGroups(orgId, id, groups);
          // Naming groups restricts the application unless the caller says otherwise.
          if (update.accessRestricted === undefined) changes.accessRestricted = groups.length > 0;
        }
        // An unrestricted application keeps no groups: groups exist only to restrict.
        if (changes.accessRestricted === false) await tx.applications.setAllowedGroups(orgId, id, []);
        await tx.applications.update(orgId, id, changes, now);
        const updated = await requireApplication(tx, orgId, id);
        await tx.audit.record({
          ...auditFields(ctx),
          orgId,
          occurredAt: now,
          action: 'application.updated',
          targetType: 'application',
          targetId: id,
          before: auditView(current),
          after: auditView(updated),
        });
        return updated;
      });
      return changed(orgId, result);
    },

    /** A new secret replaces the old one at once; tokens issued with the old one are revoked. */
    async rotateSecret(orgId: string, id: string, ctx: RequestContext): Promise<{ application: Application; clientSecret: string }> {
      return repos.transaction(async (tx) => {
        const current = await requireApplication(tx, orgId, id);
        if (current.type === 'spa') throw invalid('A single-page application is a public client and has no secret', 'type');
        const clientSecret = randomToken(32);
        const now = clock.now();
        await tx.applications.setClientSecretHash(orgId, id, sha256Hex(clientSecret), now);
        await tx.oidcPayloads.revokeByClientId(orgId, id);
        await tx.audit.record({ ...auditFields(ctx), orgId, occurredAt: now, action: 'application.secret_rotated', targetType: 'application', targetId: id });
        return { application: await requireApplication(tx, orgId, id), clientSecret };
      });
    },

    /** Deletes the application and revokes every code, token, grant and session entry issued to it. */
    async deleteApplication(orgId: string, id: string, ctx: RequestContext): Promise<void> {
      await repos.transaction(async (tx) => {
        const current = await requireApplication(tx, orgId, id);
        if (current.builtIn) throw invalid(`The built-in ${current.name} application cannot be deleted`, 'builtIn');
        await tx.oidcPayloads.revokeByClientId(orgId, id);
        await tx.applications.delete(orgId, id);
        await tx.audit.record({
          ...auditFields(ctx),
          orgId,
          occurredAt: clock.now(),
          action: 'application.deleted',
          targetType: 'application',
          targetId: id,
          before: auditView(current),
        });
      });
      changed(orgId, undefined);
    },

    ensureBuiltInApplications,

    /**
     * May this user sign in to this application? The Console is for owners and
     * administrators; a restricted application for members of its groups; anything else for
     * every active user of the organization.
     */
    /** The sign-in page's question: may this user continue to this client? Refusals are audited. */
    async checkSignInAccess(user: User, clientId: string, ctx: RequestContext): Promise<{ allowed: boolean; application?: Application }> {
      const application = await repos.applications.findById(user.orgId, clientId);
      const allowed = application !== undefined && (await service.mayUse(user, application));
      if (!allowed) {
        await repos.audit.record({
          ...auditFields(ctx),
          orgId: user.orgId,
          occurredAt: clock.now(),
          action: 'sign_in.denied',
          targetType: 'application',
          targetId: clientId,
        });
      }
      return { allowed, application };
    },

    async mayUse(user: User, application: Pick<Application, 'id' | 'builtIn' | 'accessRestricted'>): Promise<boolean> {
      return admits(user, application, () => repos.applications.isMemberOfAllowedGroup(user.orgId, application.id, user.id));
    },

    /** The applications people sign in to (spa, web) that `user` may use: mayUse's rule, with one read of their groups. */
    async signInApplicationsFor(user: User): Promise<Application[]> {
      const [applications, groups] = await Promise.all([repos.applications.listForOrganization(user.orgId), repos.groups.listGroupsOfUser(user.orgId, user.id)]);
      const memberOf = new Set(groups.map((g) => g.id));
      const candidates = applications.filter((a) => !a.builtIn && a.type !== 'm2m');
      const allowed = await Promise.all(candidates.map((a) => admits(user, a, async () => a.allowedGroupIds.some((id) => memberOf.has(id)))));
      return candidates.filter((_, i) => allowed[i]);
    },
  };
  return service;
}

export type ApplicationService = ReturnType<typeof createApplicationService>;
