// Finds the access token a SCIM or management-API call presents. It may be a user's
// (AccessToken) or an application's (ClientCredentials): both kinds are read in one statement
// and handed to the provider's own lookups through the request cache, so the provider still
// verifies and builds the tokens while the table is read once per call. The cache lives only
// for this lookup: a token revoked a moment ago is not found by the next call.

import type { Provider } from 'oidc-provider';
import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';
import { payloadCacheKey } from './adapter.ts';
import { prime, withRequestCache } from './request-cache.ts';

const TOKEN_MODELS = ['AccessToken', 'ClientCredentials'] as const;

export function findPresentedToken(deps: { provider: Provider; repos: Repos; clock: Clock; orgId: string }, token: string) {
  const { provider, repos, clock, orgId } = deps;
  return withRequestCache(async () => {
    const stored = repos.oidcPayloads.findAmong(orgId, TOKEN_MODELS, token, clock.now());
    for (const model of TOKEN_MODELS) {
      const payload = stored.then((found) => found.get(model));
      // Awaited by the provider's lookup below; marked handled so a failed read is reported
      // once, there, and never as an unhandled rejection.
      payload.catch(() => undefined);
      prime(payloadCacheKey(model, token), payload);
    }
    const [userToken, appToken] = await Promise.all([provider.AccessToken.find(token), provider.ClientCredentials.find(token)]);
    return { userToken, appToken };
  });
}
