// Issue 11, item 2: a single-page application built on @asgardeo/auth-spa (the npm package, its
// own browser build, default configuration: baseUrl `{PUBLIC_URL}/t/{org}`, the client id, the
// redirect URL, and `internal_login` so it may read /scim2/Me) works against an organization
// unchanged, in a real Chromium, from another origin. Each step is the SDK's own call: sign-in
// through the hosted page, its default ID-token validation (against /oauth2/jwks), getBasicUserInfo,
// httpRequest to /scim2/Me (always with credentials), refreshAccessToken, trySignInSilently,
// revokeAccessToken and signOut. With baseUrl the SDK reads no discovery document: it calls the
// hosted service's fixed paths (oauth2/authorize, token, jwks, revoke, oidc/logout, checksession).
//
// Session Management: by default the SDK leaves it off. Switched on, it frames
// /oidc/checksession and polls it only while it holds a session_state, which this server never
// issues (src/oidc/check-session.ts), and renews the session with prompt=none at its refresh
// interval; the second test shows that this neither loops nor signs the person out, and that
// the renewal notices a sign-out in another tab. The SDK's default sign-out sends client_id (the
// person confirms once); the third test shows sendIdTokenInLogoutRequest making it click-free.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, expectNoConsoleErrors, OWNER_PASSWORD, startUiTestBed, submitSignIn, type UiTestBed } from './harness.ts';
import { freePort } from '../support/ports.ts';
import { pkcePair } from '../support/relying-party.ts';
import { ROOT } from '../support/processes.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const HANDLE = 'sdkorg';
/** The package's own browser (UMD) build: it defines the global `AsgardeoAuth`. */
const SDK_BUILD = path.join(ROOT, 'node_modules/@asgardeo/auth-spa/dist/asgardeo-spa.production.js');
const APP_SCRIPT = path.join(import.meta.dirname, 'asgardeo-spa-app.js');
/** The app's page under this path turns the SDK's Session Management on. */
const MANAGED = '/managed/';
/** The app's page under this path has the SDK send the ID token with its sign-out. */
const HINTED = '/hinted/';
/** The page path an SDK configuration belongs to: its sign-in and sign-out redirect URL. */
const homeOf = (pagePath: string) => [MANAGED, HINTED].find((prefix) => pagePath.startsWith(prefix)) ?? '/';

/** What the SDK's calls give back, as asgardeo-spa-app.js hands them over. */
type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; code?: string };
interface BasicUserInfo {
  sub?: string;
  username?: string;
  displayName?: string;
  email?: string;
  allowedScopes?: string;
}
interface HttpResponse {
  status: number;
  data: { userName?: string; id?: string };
}
/** The part of the SDK's client and of the app's page the test calls (no DOM types here). */
interface SdkClient {
  signIn(): Promise<BasicUserInfo>;
  signOut(): Promise<boolean>;
  getBasicUserInfo(): Promise<BasicUserInfo>;
  getDecodedIDToken(): Promise<Record<string, unknown>>;
  getAccessToken(): Promise<string>;
  isAuthenticated(): Promise<boolean>;
  httpRequest(config: { url: string; method: string }): Promise<HttpResponse>;
  refreshAccessToken(): Promise<BasicUserInfo>;
  trySignInSilently(): Promise<BasicUserInfo | false>;
  revokeAccessToken(): Promise<boolean>;
}
interface AppPage {
  auth: SdkClient;
  ready: Promise<Outcome<BasicUserInfo | null>>;
  outcome<T>(promise: Promise<T>): Promise<Outcome<T>>;
}
/** Runs `fn` in the application's page with its `window.app` (source and JSON argument sent as is). */
function inApp<T, A = null>(page: Page, fn: (app: AppPage, arg: A) => T | Promise<T>, arg?: A): Promise<T> {
  return page.evaluate(`(${fn.toString()})(window.app, ${JSON.stringify(arg ?? null)})`) as Promise<T>;
}

/** The application's own server on another origin: its page, the SDK build and the app script. */
async function appServer(configFor: (pagePath: string) => Record<string, unknown>): Promise<{ origin: string; server: http.Server }> {
  const port = await freePort();
  const sdk = fs.readFileSync(SDK_BUILD);
  const script = fs.readFileSync(APP_SCRIPT);
  const server = http.createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://app');
    if (pathname === '/sdk.js' || pathname === '/app.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(pathname === '/sdk.js' ? sdk : script);
      return;
    }
    if (pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const config = JSON.stringify(configFor(pathname)).replace(/</g, '\\u003c');
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SDK app</title></head>
<body><h1>SDK app</h1><script id="sdk-config" type="application/json">${config}</script>
<script src="/sdk.js"></script><script src="/app.js"></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${port}`, server };
}

/** The requests the browser sent to the organization, by path below /t/{org}. */
function recordServerCalls(page: Page, baseUrl: string): string[] {
  const calls: string[] = [];
  const prefix = `${baseUrl}/t/${HANDLE}`;
  page.on('request', (request) => {
    if (request.url().startsWith(prefix)) calls.push(`${request.method()} ${new URL(request.url()).pathname.slice(`/t/${HANDLE}`.length)}`);
  });
  return calls;
}

async function signInThroughHostedPage(page: Page, bed: UiTestBed, appUrl: string): Promise<BasicUserInfo> {
  await page.goto(appUrl);
  expect(await inApp(page, (app) => app.ready)).toEqual({ ok: true, value: null });
  // signIn() sends the browser away; its promise never settles on this page.
  await inApp(page, (app) => void app.auth.signIn());
  await page.waitForURL(/\/login\//);
  await submitSignIn(page, bed.ownerEmail, OWNER_PASSWORD);
  await page.waitForURL((url) => url.href.startsWith(appUrl) && url.searchParams.has('code'));
  const signedIn = await inApp(page, (app) => app.ready);
  if (!signedIn.ok) throw new Error(`The SDK's sign-in failed: ${signedIn.error}`);
  expect(signedIn.value).not.toBeNull();
  return signedIn.value!;
}

describe.runIf(chromiumAvailable())('@asgardeo/auth-spa in an application on another origin', () => {
  let bed: UiTestBed;
  let site: { origin: string; server: http.Server };
  let clientId: string;
  let base: string;

  beforeAll(async () => {
    bed = await startUiTestBed(HANDLE);
    base = `${bed.baseUrl}/t/${HANDLE}`;
    site = await appServer((pagePath) => ({
      signInRedirectURL: `${site.origin}${homeOf(pagePath)}`,
      clientID: clientId,
      baseUrl: base,
      // openid is the SDK's default; internal_login lets the token read the person's /scim2/Me.
      scope: ['openid', 'internal_login'],
      // Session Management switched on, polling fast enough to be seen within the test.
      ...(homeOf(pagePath) === MANAGED && { enableOIDCSessionManagement: true, checkSessionInterval: 1, sessionRefreshInterval: 2 }),
      ...(homeOf(pagePath) === HINTED && { sendIdTokenInLogoutRequest: true }),
    }));
    const created = await bed.server.system.services.applications.createApplication(
      bed.organization.id,
      {
        name: 'SDK app',
        type: 'spa',
        redirectUris: [`${site.origin}/`, `${site.origin}${MANAGED}`, `${site.origin}${HINTED}`],
        // The SDK signs out to its sign-in redirect URL when no signOutRedirectURL is set.
        postLogoutRedirectUris: [`${site.origin}/`, `${site.origin}${MANAGED}`, `${site.origin}${HINTED}`],
      },
      SYSTEM_CONTEXT,
    );
    clientId = created.application.id;
  });
  afterAll(async () => {
    await bed?.close();
    await new Promise((resolve) => site?.server.close(resolve));
  });

  it('signs in, validates the ID token, reads /scim2/Me, refreshes, signs in silently, revokes and signs out', async () => {
    const uiPage = await bed.newPage();
    const { page } = uiPage;
    const calls = recordServerCalls(page, bed.baseUrl);
    const appUrl = `${site.origin}/`;

    // Sign-in: the SDK exchanged the code at /oauth2/token and, validateIDToken being its
    // default, checked the ID token's signature against /oauth2/jwks, its issuer
    // (baseUrl + /oauth2/token), audience and subject before it kept any token.
    const user = await signInThroughHostedPage(page, bed, appUrl);
    expect(calls).toContain('POST /oauth2/token');
    expect(calls).toContain('GET /oauth2/jwks');
    const idToken = await inApp(page, (app) => app.auth.getDecodedIDToken());
    expect(idToken.iss).toBe(`${base}/oauth2/token`);
    expect(idToken.aud).toBe(clientId);

    // getBasicUserInfo reads the ID token: `username` (the hosted service's claim) is the userName.
    const owner = await bed.server.system.repos.users.findByUserName(bed.organization.id, bed.ownerEmail);
    expect(user.sub).toBe(owner!.id);
    expect(user.username).toBe(bed.ownerEmail);
    const basic = await inApp(page, (app) => app.auth.getBasicUserInfo());
    expect(basic.username).toBe(bed.ownerEmail);
    expect(basic.allowedScopes?.split(' ')).toEqual(expect.arrayContaining(['openid', 'internal_login']));

    // httpRequest: axios with credentials and the bearer token, readable across origins.
    const readMe = () => inApp(page, (app, url) => app.outcome(app.auth.httpRequest({ url, method: 'GET' }).then((r) => ({ status: r.status, userName: r.data.userName }))), `${base}/scim2/Me`);
    expect(await readMe()).toEqual({ ok: true, value: { status: 200, userName: bed.ownerEmail } });

    // refreshAccessToken: a new access token through the rotating refresh token, and it works.
    const first = await inApp(page, (app) => app.auth.getAccessToken());
    const refreshed = await inApp(page, (app) => app.outcome(app.auth.refreshAccessToken()));
    expect(refreshed).toMatchObject({ ok: true, value: { username: bed.ownerEmail } });
    const second = await inApp(page, (app) => app.auth.getAccessToken());
    expect(second).not.toBe(first);
    expect(await readMe()).toEqual({ ok: true, value: { status: 200, userName: bed.ownerEmail } });

    // trySignInSilently: prompt=none in the SDK's hidden iframe, answered with a code because
    // the hosted session lasts, and exchanged for fresh tokens.
    const silent = await inApp(page, (app) => app.outcome(app.auth.trySignInSilently()));
    expect(silent).toMatchObject({ ok: true, value: { username: bed.ownerEmail } });
    const third = await inApp(page, (app) => app.auth.getAccessToken());
    expect(third).not.toBe(second);

    // revokeAccessToken: /oauth2/revoke answers 200, the SDK forgets its tokens, and the server
    // no longer accepts the revoked one.
    expect(await inApp(page, (app) => app.outcome(app.auth.revokeAccessToken()))).toEqual({ ok: true, value: true });
    expect(calls).toContain('POST /oauth2/revoke');
    expect(await inApp(page, (app) => app.auth.isAuthenticated())).toBe(false);
    const revoked = await fetch(`${base}/scim2/Me`, { headers: { authorization: `Bearer ${third}` } });
    expect(revoked.status).toBe(401);

    // The hosted session outlives a revoked access token: a silent sign-in brings new tokens.
    expect(await inApp(page, (app) => app.outcome(app.auth.trySignInSilently()))).toMatchObject({ ok: true, value: { username: bed.ownerEmail } });
    expect(await inApp(page, (app) => app.auth.isAuthenticated())).toBe(true);

    // signOut: RP-initiated logout at /oidc/logout with the client id (the SDK's default sends
    // no id_token_hint, so the person confirms: the CSRF protection of logout), then back to
    // the application with the SDK's success state.
    await inApp(page, (app) => void app.auth.signOut());
    await page.waitForURL((url) => url.href.startsWith(`${base}/oidc/logout`));
    expect(new URL(page.url()).searchParams.get('client_id')).toBe(clientId);
    // The primary action is told apart from the other by more than its words (issue 14 item 7):
    // filled, where "stay signed in" is outlined.
    const buttons = JSON.parse(
      await page.evaluate<string>(
        "JSON.stringify([...document.querySelectorAll('button')].map((b) => { const s = getComputedStyle(b); return { text: b.textContent, background: s.backgroundColor, border: s.borderTopStyle }; }))",
      ),
    ) as { text: string; background: string; border: string }[];
    const [signOutButton, stayButton] = ['Yes, sign me out', 'No, stay signed in'].map((text) => buttons.find((b) => b.text === text)!);
    expect(signOutButton.background).not.toBe(stayButton.background);
    expect([signOutButton.border, stayButton.border]).toEqual(['none', 'solid']);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((url) => url.href.startsWith(appUrl) && url.searchParams.get('state') === 'sign_out_success');
    expect(await inApp(page, (app) => app.ready)).toEqual({ ok: true, value: null });
    expect(await inApp(page, (app) => app.auth.isAuthenticated())).toBe(false);

    // The session ended at the server: a silent sign-in finds none, and so does any
    // authorization request with prompt=none.
    expect(await inApp(page, (app) => app.outcome(app.auth.trySignInSilently()))).toEqual({ ok: true, value: false });
    const { challenge } = await pkcePair();
    const authorize = new URL(`${base}/oauth2/authorize`);
    authorize.search = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: appUrl, scope: 'openid', prompt: 'none', state: 'after-sign-out', code_challenge: challenge, code_challenge_method: 'S256' }).toString();
    // The app's page removes the error from its URL at once: read it from the redirect itself.
    const landed = await page.goto(authorize.href);
    const answer = await landed!.request().redirectedFrom()!.response();
    const redirectedTo = new URL(answer!.headers().location);
    expect(redirectedTo.href.startsWith(appUrl)).toBe(true);
    expect(redirectedTo.searchParams.get('error')).toBe('login_required');
    expect(redirectedTo.searchParams.get('state')).toBe('after-sign-out');

    // Nothing the SDK asked for was refused or missing (a CORS refusal shows here too).
    expectNoConsoleErrors(uiPage);
  });

  it('degrades cleanly with Session Management switched on: no polling loop, renewals keep the session, a sign-out elsewhere is noticed', async () => {
    const uiPage = await bed.newPage();
    const { page } = uiPage;
    const calls = recordServerCalls(page, bed.baseUrl);
    const appUrl = `${site.origin}${MANAGED}`;
    await signInThroughHostedPage(page, bed, appUrl);
    const signedInAt = calls.length;

    // Three session-refresh intervals (2 s each) and many check intervals (1 s each).
    await page.waitForTimeout(6_500);
    const later = calls.slice(signedInAt);
    // The OP iframe was framed (CSP frame-ancestors allows the app's origin) and loaded once.
    expect(calls.filter((call) => call === 'GET /oidc/checksession')).toHaveLength(1);
    // The SDK renews with one prompt=none per refresh interval, not in a loop.
    const renewals = later.filter((call) => call === 'GET /oauth2/authorize').length;
    expect(renewals).toBeGreaterThanOrEqual(2);
    expect(renewals).toBeLessThanOrEqual(4);
    // Still signed in, still on the application, never sent to the logout endpoint.
    expect(later.some((call) => call.includes('/oidc/logout'))).toBe(false);
    expect(page.url().startsWith(appUrl)).toBe(true);
    expect(await inApp(page, (app) => app.auth.isAuthenticated())).toBe(true);
    const me = await inApp(page, (app, url) => app.outcome(app.auth.httpRequest({ url, method: 'GET' }).then((r) => r.status)), `${base}/scim2/Me`);
    expect(me).toEqual({ ok: true, value: 200 });

    // What is left of session management still notices a sign-out elsewhere: once the hosted
    // session ends (here from another tab), the next prompt=none renewal is refused and the SDK
    // signs the application out; the provider has no session to confirm the end of, so the
    // browser comes straight back to the application.
    const other = await uiPage.context.newPage();
    await other.goto(`${base}/oidc/logout?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: appUrl })}`);
    await other.getByRole('button', { name: 'Yes, sign me out' }).click();
    await other.waitForURL((url) => url.href.startsWith(appUrl));
    await page.waitForURL((url) => url.href.startsWith(appUrl) && url.searchParams.get('state') === 'sign_out_success', { timeout: 10_000 });
    expect(await inApp(page, (app) => app.auth.isAuthenticated())).toBe(false);
    expectNoConsoleErrors(uiPage);
  });

  it('signs out without a click when told to send the ID token (sendIdTokenInLogoutRequest)', async () => {
    const uiPage = await bed.newPage();
    const { page } = uiPage;
    const appUrl = `${site.origin}${HINTED}`;
    await signInThroughHostedPage(page, bed, appUrl);
    await inApp(page, (app) => void app.auth.signOut());
    // Straight back: the validated id_token_hint is the proof the confirmation click stands for.
    await page.waitForURL((url) => url.href.startsWith(appUrl) && url.searchParams.get('state') === 'sign_out_success');
    expect(await inApp(page, (app) => app.outcome(app.auth.trySignInSilently()))).toEqual({ ok: true, value: false });
    expectNoConsoleErrors(uiPage);
  });
});
