// The authorization-code flow end to end: openid-client as the relying party, the hosted
// sign-in page driven over real HTTP, tokens checked by the client library itself.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startTestServer, createOrganization, OWNER_PASSWORD, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { oauthErrorOf, pkcePair, registerApplication, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';

describe('authorization code flow', () => {
  let server: RunningServer;
  let orgId: string;
  let ownerId: string;
  let spaClientId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { organization, owner } = await createOrganization(server.system, 'acme');
    orgId = organization.id;
    ownerId = owner.id;
    spaClientId = (await registerApplication(server.system, orgId, { type: 'spa' })).application.id;
  });
  afterAll(() => server.stop());

  async function signInWithPkce(config: client.Configuration, scope = 'openid email profile') {
    const { verifier, challenge } = await pkcePair();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
    });
    const browser = new TestBrowser(server.baseUrl);
    const result = await browser.signIn(url.href, 'owner@acme.test', OWNER_PASSWORD);
    expect(result.location, result.body.slice(0, 300)).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?/);
    const tokens = await client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier, expectedState: state });
    return { tokens, browser, callback: result.location! };
  }

  it('publishes discovery under the issuer with the Asgardeo-compatible paths', async () => {
    const res = await fetch(`${server.baseUrl}/t/acme/oauth2/token/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { grant_types_supported: string[] };
    expect(doc).toMatchObject({
      issuer: `${server.baseUrl}/t/acme/oauth2/token`,
      authorization_endpoint: `${server.baseUrl}/t/acme/oauth2/authorize`,
      token_endpoint: `${server.baseUrl}/t/acme/oauth2/token`,
      userinfo_endpoint: `${server.baseUrl}/t/acme/oauth2/userinfo`,
      jwks_uri: `${server.baseUrl}/t/acme/oauth2/jwks`,
      introspection_endpoint: `${server.baseUrl}/t/acme/oauth2/introspect`,
      revocation_endpoint: `${server.baseUrl}/t/acme/oauth2/revoke`,
      end_session_endpoint: `${server.baseUrl}/t/acme/oidc/logout`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
    });
    expect(doc.grant_types_supported).not.toContain('implicit');
    expect(doc.grant_types_supported).not.toContain('password');
  });

  it('signs a customer in to a single-page app with PKCE and releases claims by scope', async () => {
    const config = await relyingParty(server.baseUrl, 'acme', spaClientId);
    const { tokens } = await signInWithPkce(config);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(ownerId);
    expect(claims.iss).toBe(`${server.baseUrl}/t/acme/oauth2/token`);
    expect(claims.aud).toBe(spaClientId);
    expect(claims.email).toBe('owner@acme.test');
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, ownerId);
    expect(userinfo).toMatchObject({ sub: ownerId, email: 'owner@acme.test', email_verified: false });
  });

  it('releases only the claims of the requested scopes', async () => {
    const config = await relyingParty(server.baseUrl, 'acme', spaClientId);
    const { tokens } = await signInWithPkce(config, 'openid');
    expect(tokens.claims()!.email).toBeUndefined();
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, ownerId);
    expect(userinfo.email).toBeUndefined();
  });

  it('signs in to a traditional web app that authenticates with its client secret', async () => {
    const { application, clientSecret } = await registerApplication(server.system, orgId, { type: 'web', name: 'portal' });
    const config = await relyingParty(server.baseUrl, 'acme', application.id, clientSecret);
    const { tokens } = await signInWithPkce(config);
    expect(tokens.claims()!.sub).toBe(ownerId);

    const wrongSecret = await relyingParty(server.baseUrl, 'acme', application.id, 'not-the-secret');
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(wrongSecret, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, 'owner@acme.test', OWNER_PASSWORD);
    expect(await oauthErrorOf(client.authorizationCodeGrant(wrongSecret, new URL(result.location!), { pkceCodeVerifier: verifier }))).toBe('invalid_client');
  });

  it('rotates refresh tokens and revokes the family when a used one is replayed', async () => {
    const config = await relyingParty(server.baseUrl, 'acme', spaClientId);
    const { tokens } = await signInWithPkce(config);
    const first = tokens.refresh_token!;
    expect(first).toBeTruthy();

    const second = await client.refreshTokenGrant(config, first);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first);
    expect(second.claims()!.sub).toBe(ownerId);

    await expect(client.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Reuse revoked the whole grant: the legitimately rotated token is dead too.
    await expect(client.refreshTokenGrant(config, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('requires PKCE from a public client', async () => {
    const url = new URL(`${server.baseUrl}/t/acme/oauth2/authorize`);
    url.search = new URLSearchParams({ client_id: spaClientId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', state: 's1' }).toString();
    const res = await new TestBrowser(server.baseUrl).navigate(url.href);
    const location = new URL(res.location!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses the plain PKCE method', async () => {
    const url = new URL(`${server.baseUrl}/t/acme/oauth2/authorize`);
    url.search = new URLSearchParams({
      client_id: spaClientId,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: 'a'.repeat(43),
      code_challenge_method: 'plain',
    }).toString();
    const res = await new TestBrowser(server.baseUrl).navigate(url.href);
    expect(new URL(res.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('never redirects to a redirect URI that is not registered exactly', async () => {
    for (const redirectUri of [`${REDIRECT_URI}/`, 'http://127.0.0.1:9/callbackx', 'http://127.0.0.1:90/callback', 'HTTP://127.0.0.1:9/Callback', 'http://user@127.0.0.1:9/callback']) {
      const url = new URL(`${server.baseUrl}/t/acme/oauth2/authorize`);
      url.search = new URLSearchParams({ client_id: spaClientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' }).toString();
      const res = await new TestBrowser(server.baseUrl).request(url.href);
      expect(res.location, redirectUri).toBeUndefined();
      expect(res.status).toBe(400);
      expect(res.body).toContain('redirect_uri');
    }
  });

  it('issues authorization codes that live at most a minute', async () => {
    const config = await relyingParty(server.baseUrl, 'acme', spaClientId);
    const { challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const issuedAt = Date.now();
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, 'owner@acme.test', OWNER_PASSWORD);
    const code = new URL(result.location!).searchParams.get('code')!;
    const row = await server.system.db.selectFrom('oidc_payloads').select('expires_at').where('model', '=', 'AuthorizationCode').where('id', '=', code).executeTakeFirst();
    const expiresAt = new Date(row!.expires_at as string | Date).getTime();
    expect(expiresAt - issuedAt).toBeLessThanOrEqual(61_000);
    expect(expiresAt).toBeGreaterThan(issuedAt);
  });

  it('does not accept an authorization code twice', async () => {
    const config = await relyingParty(server.baseUrl, 'acme', spaClientId);
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, 'owner@acme.test', OWNER_PASSWORD);
    const tokens = await client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier });
    await expect(client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // The replay revoked what the first exchange issued.
    const introspection = await fetch(`${server.baseUrl}/t/acme/oauth2/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(introspection.status).toBe(401);
  });

  it('signs out through RP-initiated logout to the registered post-logout URI', async () => {
    const config = await relyingParty(server.baseUrl, 'acme', spaClientId);
    const { tokens, browser } = await signInWithPkce(config);
    const endSession = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out', state: 'bye' });
    const confirm = await browser.navigate(endSession.href);
    expect(confirm.status).toBe(200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(confirm.body)?.[1];
    expect(xsrf && action).toBeTruthy();
    const done = await browser.navigate(new URL(action!, server.baseUrl).href, { form: { xsrf: xsrf!, logout: 'yes' } });
    expect(done.location).toBe('http://127.0.0.1:9/signed-out?state=bye');

    // The session is gone: the next authorization asks for the password again.
    const { challenge } = await pkcePair();
    const again = await browser.navigate(
      client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }).href,
    );
    expect(again.body).toContain('name="password"');
  });

  it('reuses the session for a second authorization without asking again (single sign-on)', async () => {
    const config = await relyingParty(server.baseUrl, 'acme', spaClientId);
    const { browser } = await signInWithPkce(config);
    const { challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const second = await browser.navigate(url.href);
    expect(second.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
  });
});
