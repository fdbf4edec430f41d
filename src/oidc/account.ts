// The provider's view of a user. Only active users are found, so a locked, disabled or
// deleted user's tokens stop working at userinfo and at the next refresh.

import type { Account, FindAccount } from 'oidc-provider';
import type { Repos } from '../repos/index.ts';

/** Claims released per scope, as OpenID Connect Core section 5.4 defines (plus `groups`). */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name', 'updated_at'],
  groups: ['groups'],
};

export function createFindAccount(repos: Repos, orgId: string): FindAccount {
  return async (_ctx, sub): Promise<Account | undefined> => {
    const user = await repos.users.findById(orgId, sub);
    if (!user || user.accountState !== 'active') return undefined;
    return {
      accountId: user.id,
      async claims(_use, scope) {
        const scopes = new Set(scope.split(' '));
        const name = [user.givenName, user.familyName].filter(Boolean).join(' ');
        const groups = scopes.has('groups') ? (await repos.groups.listGroupsOfUser(orgId, user.id)).map((g) => g.displayName) : undefined;
        return {
          sub: user.id,
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
