// The OpenID Foundation conformance suite's OP test modules (Basic, Config and RP-initiated
// logout plans), reproduced one test per module as far as they can run here: a confidential
// web application with client_secret_basic and no PKCE, as the suite's static client is, and
// openid-client checking every ID token (signature, iss, aud, exp, nonce). docs/conformance.md
// maps each module to its test; the suite itself needs its docker deployment (not reachable
// from CI), so these keep the behaviour it checks pinned between certification runs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startTestServer, createOrganization, OWNER_PASSWORD, type RunningServer } from '../support/system.ts';
import { TestBrowser, type PageResponse } from '../support/browser.ts';
import { oauthErrorOf, registerApplication, relyingParty, REDIRECT_URI, POST_LOGOUT_URI } from '../support/relying-party.ts';

type Params = Record<string, string>;

describe('OpenID conformance suite OP modules', () => {
  let server: RunningServer;
  let issuer: string;
  let clientId: string;
  let clientSecret: string;
  let secondClientId: string;
  let secondClientSecret: string;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startTestServer();
    const { organization } = await createOrganization(server.system, 'acme');
    const first = await registerApplication(server.system, organization.id, { type: 'web', name: 'suite client' });
    const second = await registerApplication(server.system, organization.id, { type: 'web', name: 'suite client2' });
    clientId = first.application.id;
    clientSecret = first.clientSecret!;
    secondClientId = second.application.id;
    secondClientSecret = second.clientSecret!;
    issuer = `${server.baseUrl}/t/acme/oauth2/token`;
    config = await relyingParty(server.baseUrl, 'acme', clientId, clientSecret);
  });
  afterAll(() => server.stop());

  interface Flow {
    state: string;
    nonce?: string;
    url: URL;
  }

  function authorizationUrl(params: Params = {}, options: { nonce?: boolean } = {}): Flow {
    const state = client.randomState();
    const nonce = options.nonce === false ? undefined : client.randomNonce();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', state, ...(nonce && { nonce }), ...params });
    return { state, nonce, url };
  }

  /** The relying party's side of the callback: the code exchanged, the ID token validated. */
  async function redeem(flow: Flow, callback: string, rp = config) {
    expect(callback, 'a redirect back to the relying party').toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?/);
    return client.authorizationCodeGrant(rp, new URL(callback), { expectedState: flow.state, ...(flow.nonce ? { expectedNonce: flow.nonce } : { idTokenExpected: true }) });
  }

  async function signIn(params: Params = {}, browser = new TestBrowser(server.baseUrl), options: { nonce?: boolean } = {}) {
    const flow = authorizationUrl(params, options);
    const result = await browser.signIn(flow.url.href, 'owner@acme.test', OWNER_PASSWORD);
    const tokens = await redeem(flow, result.location!);
    return { tokens, browser, flow };
  }

  function errorOf(page: PageResponse) {
    expect(page.location, page.body.slice(0, 300)).toBeDefined();
    return new URL(page.location!).searchParams;
  }

  function asksForPassword(page: PageResponse) {
    return page.location === undefined && page.body.includes('name="password"');
  }

  describe('Basic OP plan', () => {
    it('oidcc-server: code flow with client_secret_basic; state and nonce come back, the ID token validates', async () => {
      const { tokens, flow } = await signIn({ scope: 'openid' });
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({ iss: issuer, aud: clientId, nonce: flow.nonce });
      expect(typeof claims.sub).toBe('string');
      const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0], 'base64url').toString());
      expect(header.alg).toBe('RS256');
      expect(typeof header.kid).toBe('string');
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
    });

    it('oidcc-response-type-missing: an authorization request without response_type is an error redirect', async () => {
      const url = new URL(`${server.baseUrl}/t/acme/oauth2/authorize`);
      url.search = new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'openid', state: 'st1', nonce: 'n1' }).toString();
      const page = await new TestBrowser(server.baseUrl).navigate(url.href);
      const params = errorOf(page);
      expect(page.location!.startsWith(`${REDIRECT_URI}?`)).toBe(true);
      expect(params.get('error')).toBe('invalid_request');
      expect(params.get('state')).toBe('st1');
      expect(params.get('code')).toBeNull();
    });

    it('oidcc-userinfo-get, oidcc-userinfo-post-header, oidcc-userinfo-post-body: the three ways of presenting the token', async () => {
      const { tokens } = await signIn({ scope: 'openid email' });
      const sub = tokens.claims()!.sub;
      const endpoint = `${server.baseUrl}/t/acme/oauth2/userinfo`;
      const get = await fetch(endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      const postHeader = await fetch(endpoint, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } });
      const postBody = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: tokens.access_token }) });
      for (const res of [get, postHeader, postBody]) {
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ sub, email: 'owner@acme.test' });
      }
      expect((await client.fetchUserInfo(config, tokens.access_token, sub)).sub).toBe(sub);
    });

    it('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async () => {
      const { tokens } = await signIn({}, undefined, { nonce: false });
      expect(tokens.claims()!.nonce).toBeUndefined();
    });

    it('oidcc-scope-profile and oidcc-scope-email: the scope claims in userinfo', async () => {
      const { tokens } = await signIn({ scope: 'openid profile email' });
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      expect(userinfo).toHaveProperty('updated_at');
      expect(userinfo).toMatchObject({ email: 'owner@acme.test', email_verified: expect.any(Boolean) });
    });

    it('oidcc-scope-address, oidcc-scope-phone, oidcc-scope-all: not in scopes_supported (the suite skips them); asking anyway still signs in', async () => {
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[] };
      expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
      expect(discovery.scopes_supported).not.toContain('address');
      expect(discovery.scopes_supported).not.toContain('phone');
      const { tokens } = await signIn({ scope: 'openid profile email address phone' });
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      expect(userinfo.email).toBe('owner@acme.test');
      expect(userinfo).not.toHaveProperty('address');
      expect(userinfo).not.toHaveProperty('phone_number');
    });

    it('oidcc-ensure-other-scope-order-succeeds: "email openid" works like "openid email"', async () => {
      const { tokens } = await signIn({ scope: 'email openid' });
      expect((await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).email).toBe('owner@acme.test');
    });

    it('oidcc-display-page and oidcc-display-popup: the sign-in page is shown and the flow completes', async () => {
      for (const display of ['page', 'popup']) {
        const { tokens } = await signIn({ display });
        expect(tokens.claims()!.iss).toBe(issuer);
      }
    });

    it('oidcc-prompt-login: a signed-in user is asked to sign in again; auth_time moves on', async () => {
      const { tokens: first, browser } = await signIn();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const flow = authorizationUrl({ prompt: 'login' });
      const page = await browser.navigate(flow.url.href);
      expect(asksForPassword(page)).toBe(true);
      const done = await browser.submitSignIn(page, { email: 'owner@acme.test', password: OWNER_PASSWORD });
      const second = await redeem(flow, done.location!);
      expect(second.claims()!.sub).toBe(first.claims()!.sub);
      expect(second.claims()!.auth_time!).toBeGreaterThan(first.claims()!.auth_time!);
    });

    it('oidcc-prompt-none-not-logged-in: login_required to the redirect_uri, with the state', async () => {
      const flow = authorizationUrl({ prompt: 'none' });
      const params = errorOf(await new TestBrowser(server.baseUrl).navigate(flow.url.href));
      expect(params.get('error')).toBe('login_required');
      expect(params.get('state')).toBe(flow.state);
    });

    it('oidcc-prompt-none-logged-in: a code straight away for the same user', async () => {
      const { tokens: first, browser } = await signIn();
      const flow = authorizationUrl({ prompt: 'none' });
      const page = await browser.navigate(flow.url.href);
      const second = await redeem(flow, page.location!);
      expect(second.claims()!.sub).toBe(first.claims()!.sub);
    });

    it('oidcc-max-age-1: an older sign-in is asked again and the ID token carries auth_time', async () => {
      const { tokens: first, browser } = await signIn();
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const flow = authorizationUrl({ max_age: '1' });
      const page = await browser.navigate(flow.url.href);
      expect(asksForPassword(page)).toBe(true);
      const second = await redeem(flow, (await browser.submitSignIn(page, { email: 'owner@acme.test', password: OWNER_PASSWORD })).location!);
      expect(second.claims()!.auth_time!).toBeGreaterThan(first.claims()!.auth_time!);
    });

    it('oidcc-max-age-10000: a recent sign-in is reused and auth_time is the first one', async () => {
      const { tokens: first, browser } = await signIn();
      const flow = authorizationUrl({ max_age: '10000' });
      const page = await browser.navigate(flow.url.href);
      const second = await redeem(flow, page.location!);
      expect(second.claims()!.auth_time).toBe(first.claims()!.auth_time);
    });

    it('oidcc-ensure-request-with-unknown-parameter-succeeds', async () => {
      const { tokens } = await signIn({ extra_parameter_the_server_does_not_know: 'ignored' });
      expect(tokens.claims()!.iss).toBe(issuer);
    });

    it('oidcc-id-token-hint: prompt=none with the earlier ID token as id_token_hint succeeds for the same user', async () => {
      const { tokens: first, browser } = await signIn();
      const flow = authorizationUrl({ prompt: 'none', id_token_hint: first.id_token! });
      const second = await redeem(flow, (await browser.navigate(flow.url.href)).location!);
      expect(second.claims()!.sub).toBe(first.claims()!.sub);
    });

    it('oidcc-ui-locales, oidcc-claims-locales: the parameters are accepted', async () => {
      const { tokens } = await signIn({ ui_locales: 'se', claims_locales: 'se' });
      expect(tokens.claims()!.iss).toBe(issuer);
    });

    it('oidcc-ensure-request-with-acr-values-succeeds: acr_values is accepted and acr comes back', async () => {
      const { tokens } = await signIn({ acr_values: '1 2' });
      expect(typeof tokens.claims()!.acr).toBe('string');
    });

    it('oidcc-server-client-secret-post: the code exchanged with the secret in the body', async () => {
      const post = await client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretPost(clientSecret), { execute: [client.allowInsecureRequests] });
      const flow = authorizationUrl();
      const result = await new TestBrowser(server.baseUrl).signIn(flow.url.href, 'owner@acme.test', OWNER_PASSWORD);
      const tokens = await redeem(flow, result.location!, post);
      expect(tokens.claims()!.aud).toBe(clientId);
    });

    it('oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported: request_not_supported', async () => {
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(discovery.request_parameter_supported).not.toBe(true);
      const { state, nonce } = authorizationUrl();
      const body = { iss: clientId, aud: issuer, client_id: clientId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', state, nonce };
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.`;
      const url = new URL(`${server.baseUrl}/t/acme/oauth2/authorize`);
      url.search = new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, state, request: unsigned }).toString();
      const params = errorOf(await new TestBrowser(server.baseUrl).navigate(url.href));
      expect(params.get('error')).toBe('request_not_supported');
    });

    it('oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported: request_uri_not_supported', async () => {
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(discovery.request_uri_parameter_supported).not.toBe(true);
      const state = client.randomState();
      const url = new URL(`${server.baseUrl}/t/acme/oauth2/authorize`);
      url.search = new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, state, request_uri: 'https://rp.example.test/request.jwt' }).toString();
      const params = errorOf(await new TestBrowser(server.baseUrl).navigate(url.href));
      expect(params.get('error')).toBe('request_uri_not_supported');
    });

    it('oidcc-claims-essential: a claims request naming name as essential succeeds (the parameter is not supported and ignored)', async () => {
      const { tokens } = await signIn({ scope: 'openid profile', claims: JSON.stringify({ userinfo: { name: { essential: true } } }) });
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      expect(userinfo.sub).toBe(tokens.claims()!.sub);
    });

    it('oidcc-refresh-token: a refresh token works for its own client and is refused for another', async () => {
      const { tokens } = await signIn({ scope: 'openid email' });
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.claims()!.sub).toBe(tokens.claims()!.sub);
      expect(refreshed.refresh_token).toMatch(/^[\x20-\x7e]+$/);
      const other = await relyingParty(server.baseUrl, 'acme', secondClientId, secondClientSecret);
      expect(await oauthErrorOf(client.refreshTokenGrant(other, refreshed.refresh_token!))).toBe('invalid_grant');
    });
  });

  describe('Config OP plan', () => {
    it('oidcc-discovery-endpoint-verification: the metadata the module checks, and a JWKS of public RS256 keys', async () => {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const doc = (await res.json()) as Record<string, any>;
      expect(doc.issuer).toBe(issuer);
      for (const key of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) expect(doc[key].startsWith(`${server.baseUrl}/t/acme/`), key).toBe(true);
      expect(doc.scopes_supported).toContain('openid');
      expect(doc.response_types_supported).toContain('code');
      expect(doc.subject_types_supported).toContain('public');
      expect(doc.id_token_signing_alg_values_supported).toContain('RS256');
      // oidcc-idtoken-unsigned (static clients skip it): no unsigned ID tokens are on offer.
      expect(doc.id_token_signing_alg_values_supported).not.toContain('none');
      expect(doc.claims_supported).toEqual(expect.arrayContaining(['sub', 'iss', 'email']));
      const jwks = (await (await fetch(doc.jwks_uri)).json()) as { keys: Array<Record<string, string>> };
      const rsa = jwks.keys.filter((k) => k.kty === 'RSA');
      expect(rsa.length).toBeGreaterThan(0);
      for (const key of jwks.keys) {
        expect(typeof key.kid).toBe('string');
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key, `public keys only, no ${secret}`).not.toHaveProperty(secret);
      }
    });
  });

  describe('RP-initiated logout OP plan', () => {
    async function confirm(browser: TestBrowser, page: PageResponse) {
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)![1];
      const action = /<form[^>]*action="([^"]+)"/.exec(page.body)![1];
      return browser.navigate(new URL(action, server.baseUrl).href, { form: { xsrf, logout: 'yes' } });
    }

    function logoutUrl(params: Params) {
      const url = new URL(`${server.baseUrl}/t/acme/oidc/logout`);
      url.search = new URLSearchParams(params).toString();
      return url.href;
    }

    async function expectLoggedOut(browser: TestBrowser) {
      const flow = authorizationUrl({ prompt: 'none' });
      expect(errorOf(await browser.navigate(flow.url.href)).get('error')).toBe('login_required');
    }

    function autoSubmits(page: PageResponse) {
      return page.body.includes('name="logout" value="yes"') && page.body.includes("document.getElementById('op.logoutForm').submit()");
    }

    it('oidcc-rp-initiated-logout-discovery-endpoint-verification: end_session_endpoint is published', async () => {
      const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(doc.end_session_endpoint).toBe(`${server.baseUrl}/t/acme/oidc/logout`);
    });

    it('oidcc-rp-initiated-logout: back to the post_logout_redirect_uri with a long state unchanged; prompt=none then fails', async () => {
      const { tokens, browser } = await signIn();
      const state = 'x'.repeat(128);
      const page = await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI, state }));
      expect(autoSubmits(page)).toBe(true);
      expect((await confirm(browser, page)).location).toBe(`${POST_LOGOUT_URI}?state=${state}`);
      await expectLoggedOut(browser);
    });

    it('oidcc-rp-initiated-logout-no-state: back to the post_logout_redirect_uri with no parameters', async () => {
      const { tokens, browser } = await signIn();
      const page = await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI }));
      expect((await confirm(browser, page)).location).toBe(POST_LOGOUT_URI);
      await expectLoggedOut(browser);
    });

    it('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri and -query-added-to-post-logout-redirect-uri: an error page, no redirect', async () => {
      const { tokens, browser } = await signIn();
      for (const uri of ['http://127.0.0.1:9/not-registered', `${POST_LOGOUT_URI}?foo=bar`]) {
        const page = await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: uri, state: 's' }));
        expect(page.location, uri).toBeUndefined();
        expect(page.status, uri).toBe(400);
        expect(page.body).toContain('post_logout_redirect_uri');
      }
    });

    it('oidcc-rp-initiated-logout-modified-id-token-hint (alg none) and -bad-id-token-hint (another signer): an error page, no redirect', async () => {
      const { tokens, browser } = await signIn();
      const [, payload] = tokens.id_token!.split('.');
      const algNone = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
      const { privateKey } = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
      const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'suite-key' })).toString('base64url');
      const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, Buffer.from(`${header}.${payload}`));
      const foreign = `${header}.${payload}.${Buffer.from(signature).toString('base64url')}`;
      for (const hint of [algNone, foreign]) {
        const page = await browser.navigate(logoutUrl({ id_token_hint: hint, post_logout_redirect_uri: POST_LOGOUT_URI, state: 's' }));
        expect(page.location).toBeUndefined();
        expect(page.status).toBe(400);
        expect(page.body).toContain('id_token_hint');
      }
    });

    it('oidcc-rp-initiated-logout-no-id-token-hint: the user is asked to confirm, and is not sent back', async () => {
      const { browser } = await signIn();
      const page = await browser.navigate(logoutUrl({ client_id: clientId, post_logout_redirect_uri: POST_LOGOUT_URI, state: 's' }));
      expect(page.location).toBeUndefined();
      expect(autoSubmits(page)).toBe(false);
      expect(page.body).toContain('Yes, sign me out');
    });

    it('oidcc-rp-initiated-logout-no-params, -no-post-logout-redirect-uri and -only-state: signed out on the OP\'s own page', async () => {
      const cases: Array<Params | 'hint-only'> = [{}, { state: 's' }, 'hint-only'];
      for (const params of cases) {
        const { tokens, browser } = await signIn();
        const query = params === 'hint-only' ? { id_token_hint: tokens.id_token!, state: 's' } : params;
        const page = await browser.navigate(logoutUrl(query));
        expect(page.location).toBeUndefined();
        const done = await confirm(browser, page);
        expect(done.location, JSON.stringify(query)).toBeUndefined();
        expect(done.body).toContain('You have been signed out.');
        await expectLoggedOut(browser);
      }
    });
  });
});
