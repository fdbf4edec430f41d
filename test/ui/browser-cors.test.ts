// Issue 11 in a real Chromium, from an application on another origin that talks to the
// organization the way @asgardeo/auth-spa does (fetch with credentials: 'include'): the token
// exchange, userinfo and /scim2/Me are readable only because the answers allow the origin *with
// credentials*; the checksession iframe answers its postMessage; an id_token_hint sign-out needs
// no click; and an origin the organization does not know is refused by the browser.

import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, OWNER_PASSWORD, startUiTestBed, submitSignIn, type UiTestBed } from './harness.ts';
import { freePort } from '../support/ports.ts';
import { pkcePair, registerApplication } from '../support/relying-party.ts';

/** The few DOM types the page scripts below use (this project compiles without the DOM lib). */
interface PageGlobals {
  document: { createElement(tag: 'iframe'): Frame; body: { append(node: Frame): void } };
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void, options?: { once: boolean }): void;
}
interface Frame {
  src: string;
  contentWindow: { postMessage(message: string, targetOrigin: string): void } | null;
  addEventListener(type: 'load', listener: (event: unknown) => void): void;
}

async function pageServer(host = '127.0.0.1'): Promise<{ origin: string; server: http.Server }> {
  const port = await freePort();
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>App</title><h1>App</h1>');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { origin: `http://${host}:${port}`, server };
}

describe.runIf(chromiumAvailable())('a browser application on another origin', () => {
  let bed: UiTestBed;
  let app: { origin: string; server: http.Server };
  let stranger: { origin: string; server: http.Server };
  let clientId: string;

  beforeAll(async () => {
    bed = await startUiTestBed('corsorg');
    app = await pageServer();
    stranger = await pageServer();
    clientId = (await registerApplication(bed.server.system, bed.organization.id, { type: 'spa', redirectUris: [`${app.origin}/callback`] })).application.id;
    await bed.server.system.services.applications.updateApplication(
      bed.organization.id,
      clientId,
      { postLogoutRedirectUris: [`${app.origin}/signed-out`] },
      (await import('../../src/services/request-context.ts')).SYSTEM_CONTEXT,
    );
  });
  afterAll(async () => {
    await bed?.close();
    await new Promise((resolve) => app?.server.close(resolve));
    await new Promise((resolve) => stranger?.server.close(resolve));
  });

  it('exchanges the code, reads userinfo and /scim2/Me with credentials, checks the session and signs out without a click', async () => {
    const { page } = await bed.newPage();
    const { verifier, challenge } = await pkcePair();
    const authorize = new URL(`${bed.baseUrl}/t/corsorg/oauth2/authorize`);
    authorize.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: `${app.origin}/callback`,
      scope: 'openid email internal_login',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(authorize.href);
    await page.waitForURL(/\/login\//);
    await submitSignIn(page, bed.ownerEmail, OWNER_PASSWORD);
    await page.waitForURL((url) => url.href.startsWith(`${app.origin}/callback`));
    const code = new URL(page.url()).searchParams.get('code')!;

    const result = await page.evaluate(
      async ({ base, clientId, code, verifier, redirectUri }) => {
        const token = await fetch(`${base}/t/corsorg/oauth2/token`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: clientId }),
        }).then((r) => r.json() as Promise<{ access_token: string; id_token: string }>);
        const { document, ...window } = { document: (globalThis as unknown as PageGlobals).document, addEventListener: (globalThis as unknown as PageGlobals).addEventListener.bind(globalThis) };
        const auth = { authorization: `Bearer ${token.access_token}` };
        const userinfo = await fetch(`${base}/t/corsorg/oauth2/userinfo`, { credentials: 'include', headers: auth }).then((r) => r.json() as Promise<{ email?: string }>);
        const me = await fetch(`${base}/t/corsorg/scim2/Me`, { credentials: 'include', headers: auth });
        const jwks = await fetch(`${base}/t/corsorg/oauth2/jwks`, { credentials: 'include' }).then((r) => r.json() as Promise<{ keys?: unknown[] }>);
        // The OP iframe of Session Management, asked the way the SDK's RP iframe asks.
        const frame = document.createElement('iframe');
        frame.src = `${base}/t/corsorg/oidc/checksession`;
        document.body.append(frame);
        await new Promise((resolve) => frame.addEventListener('load', resolve));
        const answer = await new Promise<string>((resolve) => {
          window.addEventListener('message', (event) => resolve(String(event.data)), { once: true });
          frame.contentWindow!.postMessage(`${clientId} some.state`, base);
        });
        return { token, userinfo, meStatus: me.status, meEtag: me.headers.get('etag'), keys: jwks.keys?.length, answer };
      },
      { base: bed.baseUrl, clientId, code, verifier, redirectUri: `${app.origin}/callback` },
    );
    expect(result.token.access_token).toBeTruthy();
    expect(result.userinfo.email).toBe(bed.ownerEmail);
    expect(result.meStatus).toBe(200);
    expect(result.keys).toBeGreaterThan(0);
    expect(result.answer).toBe('error');

    // Sign-out with the ID token as hint: straight back to the application, no click.
    const logout = new URL(`${bed.baseUrl}/t/corsorg/oidc/logout`);
    logout.search = new URLSearchParams({ id_token_hint: result.token.id_token, post_logout_redirect_uri: `${app.origin}/signed-out`, state: 'bye' }).toString();
    await page.goto(logout.href);
    await page.waitForURL((url) => url.href.startsWith(`${app.origin}/signed-out`));
    expect(new URL(page.url()).searchParams.get('state')).toBe('bye');
    await page.goto(authorize.href);
    await page.waitForURL(/\/login\//);
  });

  it('lets no unknown origin read the organization’s answers', async () => {
    const { page } = await bed.newPage();
    await page.goto(`${stranger.origin}/`);
    const outcome = await page.evaluate(async (base) => {
      const tries = [`${base}/t/corsorg/oauth2/jwks`, `${base}/t/corsorg/oauth2/token/.well-known/openid-configuration`, `${base}/t/corsorg/scim2/Me`];
      return Promise.all(tries.map((url) => fetch(url, { credentials: 'include' }).then(() => 'read', () => 'blocked')));
    }, bed.baseUrl);
    expect(outcome).toEqual(['blocked', 'blocked', 'blocked']);
    // The checksession page may not be framed there either (CSP frame-ancestors).
    const framed = await page.evaluate(async (base) => {
      const { document, ...window } = { document: (globalThis as unknown as PageGlobals).document, addEventListener: (globalThis as unknown as PageGlobals).addEventListener.bind(globalThis) };
      const frame = document.createElement('iframe');
      frame.src = `${base}/t/corsorg/oidc/checksession`;
      document.body.append(frame);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return new Promise<string>((resolve) => {
        window.addEventListener('message', (event) => resolve(String(event.data)), { once: true });
        frame.contentWindow!.postMessage('x y', '*');
        setTimeout(() => resolve('no answer'), 1000);
      });
    }, bed.baseUrl);
    expect(framed).toBe('no answer');
  });

  it('accepts cross-site form POSTs at authorize (single sign-on kept) and logout (no click) from another site', async () => {
    // localhost is another site than 127.0.0.1: the session cookie (SameSite=Lax) is not sent
    // with a cross-site POST, only with the top-level GET the server redirects it to.
    const site = await pageServer('localhost');
    try {
      const system = bed.server.system;
      const { SYSTEM_CONTEXT } = await import('../../src/services/request-context.ts');
      const other = await system.services.applications.createApplication(
        bed.organization.id,
        { name: 'Other site', type: 'spa', redirectUris: [`${site.origin}/callback`], postLogoutRedirectUris: [`${site.origin}/signed-out`] },
        SYSTEM_CONTEXT,
      );
      const { page } = await bed.newPage();
      const params = async () => {
        const { verifier, challenge } = await pkcePair();
        return { verifier, fields: { client_id: other.application.id, response_type: 'code', redirect_uri: `${site.origin}/callback`, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' } };
      };
      const postFrom = (action: string, fields: Record<string, string>) =>
        page.evaluate(
          ({ action, fields }) => {
            const doc = (globalThis as unknown as { document: { createElement(tag: string): any; body: { append(node: unknown): void } } }).document;
            const form = doc.createElement('form');
            form.method = 'post';
            form.action = action;
            for (const [name, value] of Object.entries(fields)) {
              const input = doc.createElement('input');
              input.type = 'hidden';
              input.name = name;
              input.value = value;
              form.append(input);
            }
            doc.body.append(form);
            form.submit();
          },
          { action, fields },
        );

      // First sign-in, by a cross-site POST to the authorization endpoint.
      await page.goto(`${site.origin}/`);
      const first = await params();
      await postFrom(`${bed.baseUrl}/t/corsorg/oauth2/authorize`, first.fields);
      await page.waitForURL(/\/login\//);
      await submitSignIn(page, bed.ownerEmail, OWNER_PASSWORD);
      await page.waitForURL((url) => url.href.startsWith(`${site.origin}/callback`));
      const code = new URL(page.url()).searchParams.get('code')!;
      const token = (await (
        await fetch(`${bed.baseUrl}/t/corsorg/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: first.verifier, redirect_uri: `${site.origin}/callback`, client_id: other.application.id }),
        })
      ).json()) as { id_token: string };

      // A second cross-site POST reuses the session: straight back with a code.
      await page.goto(`${site.origin}/`);
      await postFrom(`${bed.baseUrl}/t/corsorg/oauth2/authorize`, (await params()).fields);
      await page.waitForURL((url) => url.href.startsWith(`${site.origin}/callback`));
      expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();

      // A cross-site POST sign-out with the ID token as hint: no click, and the session is over.
      await page.goto(`${site.origin}/`);
      await postFrom(`${bed.baseUrl}/t/corsorg/oidc/logout`, { id_token_hint: token.id_token, post_logout_redirect_uri: `${site.origin}/signed-out`, state: 'bye' });
      await page.waitForURL((url) => url.href.startsWith(`${site.origin}/signed-out`));
      await page.goto(`${site.origin}/`);
      await postFrom(`${bed.baseUrl}/t/corsorg/oauth2/authorize`, (await params()).fields);
      await page.waitForURL(/\/login\//);
    } finally {
      await new Promise((resolve) => site.server.close(resolve));
    }
  });
});
