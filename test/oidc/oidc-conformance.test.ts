// OpenID Connect behaviour relying parties such as @asgardeo/auth-spa count on (issue 11):
// POST at the authorization and end-session endpoints, the ID token's session and
// authentication claims, login_hint, and sign-out without a click for a proven request.

import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startTestServer, createOrganization, OWNER_PASSWORD, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, registerApplication, relyingParty, REDIRECT_URI, POST_LOGOUT_URI } from '../support/relying-party.ts';
import { ACR } from '../../src/oidc/authentication-context.ts';

describe('OpenID Connect conformance for browser relying parties', () => {
  let server: RunningServer;
  let spaClientId: string;
  let otherClientId: string;
  let betaClientId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { organization } = await createOrganization(server.system, 'acme');
    spaClientId = (await registerApplication(server.system, organization.id, { type: 'spa' })).application.id;
    otherClientId = (await registerApplication(server.system, organization.id, { type: 'spa', name: 'other' })).application.id;
    const beta = await createOrganization(server.system, 'beta');
    betaClientId = (await registerApplication(server.system, beta.organization.id, { type: 'spa' })).application.id;
  });
  afterAll(() => server.stop());

  async function signIn(handle = 'acme', clientId = spaClientId, browser = new TestBrowser(server.baseUrl)) {
    const config = await relyingParty(server.baseUrl, handle, clientId);
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' });
    const result = await browser.signIn(url.href, `owner@${handle}.test`, OWNER_PASSWORD);
    const tokens = await client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier });
    return { tokens, browser, config };
  }

  it('puts sid, at_hash, auth_time, amr and acr in the ID token and advertises the acr values', async () => {
    const { tokens } = await signIn();
    const claims = tokens.claims()!;
    expect(typeof claims.sid).toBe('string');
    expect(typeof claims.auth_time).toBe('number');
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.acr).toBe(ACR.password);
    const digest = crypto.createHash('sha256').update(tokens.access_token).digest();
    expect(claims.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));

    const doc = (await (await fetch(`${server.baseUrl}/t/acme/oauth2/token/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc.acr_values_supported).toEqual([ACR.password]);
    expect(doc.claims_supported).toEqual(expect.arrayContaining(['sid', 'auth_time', 'acr', 'amr']));
    // Session Management is not offered in full (docs/architecture.md): no iframe advertised.
    expect(doc.check_session_iframe).toBeUndefined();
  });

  it('accepts a form-encoded POST at the authorization endpoint like a GET', async () => {
    const { challenge } = await pkcePair();
    const browser = new TestBrowser(server.baseUrl);
    const page = await browser.navigate(`${server.baseUrl}/t/acme/oauth2/authorize`, {
      form: { client_id: spaClientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' },
    });
    expect(page.status, page.body.slice(0, 300)).toBe(200);
    expect(page.body).toContain('name="password"');
    const done = await browser.submitSignIn(page, { email: 'owner@acme.test', password: OWNER_PASSWORD });
    expect(done.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
  });

  it('pre-fills the sign-in page from login_hint, escaped', async () => {
    const config = await relyingParty(server.baseUrl, 'acme', spaClientId);
    const { challenge } = await pkcePair();
    const hint = '"><script>alert(1)</script>@acme.test';
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', login_hint: hint });
    const page = await new TestBrowser(server.baseUrl).navigate(url.href);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@acme.test"');

    const plain = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', login_hint: 'owner@acme.test' });
    expect((await new TestBrowser(server.baseUrl).navigate(plain.href)).body).toContain('value="owner@acme.test"');
  });

  async function expectSignedOut(browser: TestBrowser, config: client.Configuration) {
    const { challenge } = await pkcePair();
    const again = await browser.navigate(client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }).href);
    expect(again.body).toContain('name="password"');
  }

  function autoSubmits(body: string) {
    return body.includes('name="logout" value="yes"') && body.includes("document.getElementById('op.logoutForm').submit()");
  }

  it('signs out without a confirmation click given a valid id_token_hint (GET and POST)', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const { tokens, browser, config } = await signIn();
      const params = { id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye' };
      const page =
        method === 'GET'
          ? await browser.navigate(client.buildEndSessionUrl(config, params).href)
          : await browser.navigate(`${server.baseUrl}/t/acme/oidc/logout`, { form: params });
      expect(page.status, page.body.slice(0, 300)).toBe(200);
      expect(autoSubmits(page.body)).toBe(true);
      // The script allowed by the page's CSP is exactly the one that submits the form.
      const csp = (await fetch(client.buildEndSessionUrl(config, params).href)).headers.get('content-security-policy')!;
      const scriptHash = crypto.createHash('sha256').update("document.getElementById('op.logoutForm').submit()").digest('base64');
      expect(csp).toContain(`'sha256-${scriptHash}'`);
      // What the script submits (the form's fields plus logout=yes) ends the session and redirects.
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)![1];
      const action = /<form[^>]*action="([^"]+)"/.exec(page.body)![1];
      const done = await browser.navigate(new URL(action, server.baseUrl).href, { form: { xsrf, logout: 'yes' } });
      expect(done.location).toBe(`${POST_LOGOUT_URI}?state=bye`);
      await expectSignedOut(browser, config);
    }
  });

  it('keeps the confirmation without a valid hint, or with one of another client or organization', async () => {
    const { tokens, browser, config } = await signIn();
    // No hint: the confirmation stays (a cross-site page could otherwise sign people out).
    const bare = await browser.navigate(`${server.baseUrl}/t/acme/oidc/logout?client_id=${spaClientId}&post_logout_redirect_uri=${encodeURIComponent(POST_LOGOUT_URI)}`);
    expect(bare.status).toBe(200);
    expect(autoSubmits(bare.body)).toBe(false);
    expect(bare.body).toContain('Yes, sign me out');
    // A tampered hint is refused outright.
    const tampered = `${tokens.id_token!.slice(0, -4)}AAAA`;
    const bad = await browser.navigate(client.buildEndSessionUrl(config, { id_token_hint: tampered, post_logout_redirect_uri: POST_LOGOUT_URI }).href);
    expect(autoSubmits(bad.body)).toBe(false);
    // Another client's hint for this client's sign-out is refused.
    const other = await signIn('acme', otherClientId, browser);
    const mismatch = await browser.navigate(
      `${server.baseUrl}/t/acme/oidc/logout?client_id=${spaClientId}&id_token_hint=${other.tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent(POST_LOGOUT_URI)}`,
    );
    expect(autoSubmits(mismatch.body)).toBe(false);
    // Another organization's hint does not validate here.
    const beta = await signIn('beta', betaClientId);
    const foreign = await browser.navigate(`${server.baseUrl}/t/acme/oidc/logout?id_token_hint=${beta.tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent(POST_LOGOUT_URI)}`);
    expect(autoSubmits(foreign.body)).toBe(false);
    // A valid hint for someone who is not the one signed in here (another browser's session).
    const stranger = new TestBrowser(server.baseUrl);
    await signIn('acme', spaClientId, stranger);
    const elsewhere = await new TestBrowser(server.baseUrl).navigate(client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI }).href);
    expect(autoSubmits(elsewhere.body)).toBe(false);
  });
});
