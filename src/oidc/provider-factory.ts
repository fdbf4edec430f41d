// Builds one organization's OpenID Provider. Everything it keeps (sessions, codes, tokens,
// grants) and everything it signs with lives in the database, so any number of instances
// over one PostgreSQL act as one provider.

import crypto from 'node:crypto';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Repos } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { Clock } from '../lib/clock.ts';
import { sha256Hex, digestsEqual } from '../security/tokens.ts';
import { createAdapterFactory } from './adapter.ts';
import { createFindAccount, CLAIMS_BY_SCOPE, findUserOnce } from './account.ts';
import { createInteractionPolicy } from './access-policy.ts';
import { API_SCOPES, OIDC_SCOPES, isApiScope } from './scopes.ts';
import type { ApplicationService } from '../services/application-service.ts';
import { PROVIDER_ROUTES, issuerFor, signInPagePath } from './routes.ts';
import { ACCESS_METADATA, clientAccess } from './client-metadata.ts';
import { renderLogoutConfirmation, renderLogoutSuccess, renderProviderError } from './provider-pages.ts';
import { auditClientCredentialTokens } from './token-audit.ts';
import { ACR_VALUES } from './authentication-context.ts';
import { answerDatabaseOutagesWith503 } from './database-outage.ts';

export interface ProviderDeps {
  repos: Repos;
  clock: Clock;
  publicUrl: string;
  applications: ApplicationService;
  onServerError?: (error: unknown, orgHandle: string) => void;
}

const HOUR = 60 * 60;
const DAY = 24 * HOUR;

export interface OrganizationProvider {
  provider: Provider;
  /** Keys the CSRF tokens of this organization's hosted forms; derived from its cookie key. */
  formKey: Buffer;
}

export async function createOrganizationProvider(organization: Organization, deps: ProviderDeps): Promise<OrganizationProvider> {
  const { repos, clock, publicUrl } = deps;
  const signingKeys = await repos.providerKeys.listSigningKeys(organization.id);
  const cookieKeys = await repos.providerKeys.findCookieKeys(organization.id);
  if (signingKeys.length === 0 || !cookieKeys) throw new Error(`Organization ${organization.handle} has no provider keys`);

  const secure = publicUrl.startsWith('https:');
  // __Host- cookies must be Secure with Path=/; only the session cookie has that path (the
  // interaction cookies are scoped to their own pages), and plain-HTTP localhost gets no prefix.
  const sessionCookie = `${secure ? '__Host-' : ''}tessera_${organization.handle}_session`;

  const configuration: Configuration = {
    adapter: createAdapterFactory({ repos, clock, orgId: organization.id, clientContext: { publicUrl, orgHandle: organization.handle } }),
    findAccount: createFindAccount(repos, deps.applications, organization.id),
    jwks: { keys: signingKeys.map((k) => k.privateJwk) as never },
    cookies: {
      keys: cookieKeys,
      names: {
        session: sessionCookie,
        interaction: `tessera_${organization.handle}_interaction`,
        resume: `tessera_${organization.handle}_resume`,
      },
      long: { httpOnly: true, sameSite: 'lax', secure, signed: true },
      short: { httpOnly: true, sameSite: 'lax', secure, signed: true },
    },
    routes: PROVIDER_ROUTES,
    extraClientMetadata: { properties: [ACCESS_METADATA] },
    scopes: [...OIDC_SCOPES, ...API_SCOPES],
    // The ID token's own claims (sid, auth_time, acr, amr) next to the claims of the scopes.
    // The provider keeps only claims that a scope or the request names, so `openid` names the
    // authentication ones; they exist only in ID tokens (the account's claims have none).
    claims: { acr: null, amr: null, sid: null, auth_time: null, ...CLAIMS_BY_SCOPE, openid: [...CLAIMS_BY_SCOPE.openid, 'auth_time', 'acr', 'amr'] },
    acrValues: ACR_VALUES,
    // Claims the scopes ask for go into the ID token as well as userinfo: applications that
    // only read the ID token still get email, names and groups.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: renderLogoutConfirmation, postLogoutSuccessSource: renderLogoutSuccess },
    },
    interactions: {
      policy: createInteractionPolicy(repos, deps.applications, organization.id),
      url: async (_ctx, interaction) => signInPagePath(organization.handle, interaction.uid),
    },
    renderError: renderProviderError,
    // CORS is decided before the provider sees a request (routes/browser-cors.ts): an allowed
    // origin's headers are already set, which makes the provider skip its own. It asks this only
    // for an origin that is not allowed; its pages' own origin (PUBLIC_URL: the Console, My
    // Account) is no cross-origin caller and stays accepted.
    clientBasedCORS: (_ctx, origin) => origin === new URL(publicUrl).origin,
    // Rotate every refresh token on use; the provider revokes the whole grant when a rotated
    // token is presented again (reuse detection).
    rotateRefreshToken: () => true,
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('openid'),
    // The organization's applications are its own first-party apps: no consent screen. The
    // grant records exactly what was asked for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { provider, session, client, params } = ctx.oidc;
      if (!session?.accountId || !client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
      const grant = (grantId && (await provider.Grant.find(grantId))) || new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      if (typeof params?.scope === 'string') grant.addOIDCScope(await grantableScopes(params.scope, session.accountId, clientAccess(client)?.builtIn ?? null));
      await grant.save();
      return grant;
    },
    ttl: {
      AccessToken: HOUR,
      AuthorizationCode: 60,
      ClientCredentials: HOUR,
      IdToken: HOUR,
      Interaction: HOUR,
      RefreshToken: 14 * DAY,
      Session: 14 * DAY,
      Grant: 14 * DAY,
    },
  };

  const provider = new Provider(issuerFor(publicUrl, organization.handle), configuration);

  /**
   * API scopes are granted through the Console, and only to administrators; every user may
   * get `internal_login` (their own /Me) and the OpenID Connect scopes.
   */
  async function grantableScopes(requested: string, accountId: string, builtIn: string | null): Promise<string> {
    const scopes = requested.split(' ').filter(Boolean);
    if (!scopes.some((s) => isApiScope(s) && s !== 'internal_login')) return scopes.join(' ');
    const user = await findUserOnce(repos, organization.id, accountId);
    const administrator = user?.userType === 'administrator' && builtIn === 'console';
    return scopes.filter((s) => !isApiScope(s) || s === 'internal_login' || administrator).join(' ');
  }
  // Requests reach the provider with X-Forwarded-Proto/Host set from PUBLIC_URL (see
  // routes/oidc.ts), so every URL it builds starts with PUBLIC_URL whatever the request's Host.
  provider.proxy = true;
  // Client secrets are stored as SHA-256 digests; compare the digest of what was presented.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return typeof this.clientSecret === 'string' && digestsEqual(this.clientSecret, sha256Hex(actual));
  };
  // Every ID token names its session (`sid`), so a relying party can match it to a logout.
  provider.Client.prototype.includeSid = () => true;
  // At the token endpoint the provider issues no at_hash; add it whenever an access token is
  // issued alongside (the opaque access token's value is its jti).
  const issueIdToken = provider.IdToken.prototype.issue;
  provider.IdToken.prototype.issue = function issue(this: InstanceType<typeof provider.IdToken>, options: Parameters<typeof issueIdToken>[0]) {
    const self = this as unknown as { ctx?: KoaContextWithOIDC; set(name: string, value: unknown): void; extra?: Record<string, unknown> };
    const accessToken = self.ctx?.oidc?.entities?.AccessToken as { jti?: string } | undefined;
    if (options?.use === 'idtoken' && accessToken?.jti && !self.extra?.at_hash) self.set('at_hash', accessToken.jti);
    return issueIdToken.call(this, options);
  };
  provider.on('server_error', (_ctx: unknown, error: unknown) => deps.onServerError?.(error, organization.handle));
  answerDatabaseOutagesWith503(provider);
  auditClientCredentialTokens(provider, { repos, clock: deps.clock, orgId: organization.id });
  return { provider, formKey: crypto.createHmac('sha256', cookieKeys[0]).update('hosted-form-csrf').digest() };
}
