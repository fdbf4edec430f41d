// The interaction policy: the provider's standard prompts, plus a login check that asks for
// the sign-in page whenever the session's user may not use the requesting application (they
// left its groups, or it is the Console and they are a customer). The sign-in page then says
// so instead of issuing a code.

import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { Repos } from '../repos/index.ts';
import type { ApplicationService } from '../services/application-service.ts';
import { clientAccess } from './client-metadata.ts';
import { findUserOnce } from './account.ts';

export const ACCESS_DENIED_REASON = 'application_access_denied';

export function createInteractionPolicy(repos: Repos, applications: ApplicationService, orgId: string) {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider has no login prompt');
  login.checks.add(
    new interactionPolicy.Check(ACCESS_DENIED_REASON, 'the signed-in user may not use this application', async (ctx: KoaContextWithOIDC) => {
      const { session, client } = ctx.oidc;
      if (!session?.accountId || !client) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      const user = await findUserOnce(repos, orgId, session.accountId);
      const access = clientAccess(client);
      const allowed = user !== undefined && access !== undefined && (await applications.mayUse(user, { id: client.clientId, ...access }));
      return allowed ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}
