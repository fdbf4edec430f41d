// The provider's view of a user. Only active users who may use the requesting application are
// found: a locked, disabled or deleted user, or one who left the application's groups, is
// refused at the next authorization, refresh or userinfo call.

import type { Account, FindAccount } from 'oidc-provider';
import type { Repos } from '../repos/index.ts';
import type { ApplicationService } from '../services/application-service.ts';
import { clientAccess } from './client-metadata.ts';
import { memoized } from './request-cache.ts';

/**
 * Claims released per scope, as OpenID Connect Core section 5.4 defines (plus `groups`), and
 * the hosted service's `username` with `openid`: @asgardeo/auth-js takes getBasicUserInfo()'s
 * `username` from the ID token's `username` claim (and its displayName from
 * `preferred_username`), so an application on the SDK's default scope knows who signed in.
 * Both are the userName, which is the person's sign-in email.
 */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub', 'username'],
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'updated_at'],
  groups: ['groups'],
};

/**
 * A user as the provider's hooks see them, read at most once per provider request: the account
 * lookup, the access check of the login prompt and the scope filter all ask for it.
 */
export function findUserOnce(repos: Repos, orgId: string, id: string) {
  return memoized(`user:${id}`, () => repos.users.findById(orgId, id));
}

export function createFindAccount(repos: Repos, applications: ApplicationService, orgId: string): FindAccount {
  return async (ctx, sub): Promise<Account | undefined> => {
    const user = await findUserOnce(repos, orgId, sub);
    if (!user || user.accountState !== 'active') return undefined;
    // At authorization the login prompt's own check (access-policy.ts) decides, so that the
    // person sees why; everywhere else (refresh, userinfo) refusing here is what cuts access.
    const route = ctx?.oidc?.route;
    const client = route === 'authorization' || route === 'resume' ? undefined : ctx?.oidc?.client;
    if (client) {
      const access = clientAccess(client);
      if (!access || !(await applications.mayUse(user, { id: client.clientId, ...access }))) return undefined;
    }
    return {
      accountId: user.id,
      async claims(_use, scope) {
        const scopes = new Set(scope.split(' '));
        const name = [user.givenName, user.familyName].filter(Boolean).join(' ');
        const groups = scopes.has('groups') ? (await repos.groups.listGroupsOfUser(orgId, user.id)).map((g) => g.displayName) : undefined;
        return {
          sub: user.id,
          username: user.userName,
          preferred_username: user.userName,
          email: user.userName,
          email_verified: user.emailVerified,
          ...(name && { name }),
          ...(user.givenName && { given_name: user.givenName }),
          ...(user.familyName && { family_name: user.familyName }),
          updated_at: Math.floor(user.modifiedAt.getTime() / 1000),
          ...(groups && { groups }),
        };
      },
    };
  };
}
