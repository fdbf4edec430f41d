// CORS for browser applications (issue 11 item 1) over real HTTP: an organization's browser
// origins (its applications' redirect URIs' origins and allowed origins) may call its OpenID
// Connect, SCIM and management endpoints with credentials; no other origin gets CORS headers,
// not even another organization's. Also the checksession endpoint's degraded answer.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, createOrganization, type RunningServer } from '../support/system.ts';
import { registerApplication } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const APP_ORIGIN = 'http://127.0.0.1:9'; // the origin of the relying-party helper's REDIRECT_URI
const EXTRA_ORIGIN = 'https://shop.example';
const BETA_ORIGIN = 'http://127.0.0.1:7';

describe('CORS for browser applications', () => {
  let server: RunningServer;
  let acmeId: string;
  let extraAppId: string;
  let spaId: string;

  beforeAll(async () => {
    server = await startTestServer();
    acmeId = (await createOrganization(server.system, 'acme')).organization.id;
    spaId = (await registerApplication(server.system, acmeId, { type: 'spa' })).application.id;
    const extra = await server.system.services.applications.createApplication(
      acmeId,
      { name: 'Shop', type: 'spa', redirectUris: ['https://shop.example/app/callback'], allowedOrigins: ['http://localhost:5173'] },
      SYSTEM_CONTEXT,
    );
    extraAppId = extra.application.id;
    const beta = await createOrganization(server.system, 'beta');
    await registerApplication(server.system, beta.organization.id, { type: 'spa', redirectUris: [`${BETA_ORIGIN}/callback`] });
  });
  afterAll(() => server.stop());

  const preflight = (path: string, origin: string, method = 'POST', headers = 'authorization, content-type') =>
    fetch(`${server.baseUrl}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });

  const PATHS = ['/t/acme/oauth2/token', '/t/acme/oauth2/userinfo', '/t/acme/oauth2/jwks', '/t/acme/oauth2/revoke', '/t/acme/oauth2/introspect', '/t/acme/oauth2/token/.well-known/openid-configuration', '/t/acme/scim2/Me', '/t/acme/scim2/Users/abc', '/t/acme/api/server/v1/applications'];

  it('answers preflights of every browser-facing endpoint for the organization’s origins, with credentials', async () => {
    for (const origin of [APP_ORIGIN, EXTRA_ORIGIN, 'http://localhost:5173']) {
      for (const path of PATHS) {
        const res = await preflight(path, origin, 'PATCH', 'authorization, content-type, if-match, dpop');
        expect(res.status, `${origin} ${path}`).toBe(204);
        expect(res.headers.get('access-control-allow-origin')).toBe(origin);
        expect(res.headers.get('access-control-allow-credentials')).toBe('true');
        expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
        expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'content-type', 'if-match', 'dpop']));
        expect(res.headers.get('vary')).toMatch(/Origin/);
      }
    }
  });

  it('sends the credentials header and exposed headers on the actual responses', async () => {
    for (const path of ['/t/acme/oauth2/jwks', '/t/acme/oauth2/token/.well-known/openid-configuration', '/t/acme/scim2/Me', '/t/acme/api/server/v1/applications']) {
      const res = await fetch(`${server.baseUrl}${path}`, { headers: { origin: APP_ORIGIN } });
      expect(res.headers.get('access-control-allow-origin'), path).toBe(APP_ORIGIN);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-expose-headers')).toMatch(/ETag.*Location.*WWW-Authenticate/);
      expect(res.headers.get('vary')).toMatch(/Origin/);
    }
    // The token endpoint (an error answer here) too: the SDK reads it with credentials.
    const token = await fetch(`${server.baseUrl}/t/acme/oauth2/token`, {
      method: 'POST',
      headers: { origin: APP_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=nope&client_id=x',
    });
    expect(token.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(token.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('gives any other origin no CORS headers at all, the provider’s own included', async () => {
    for (const origin of ['http://evil.test', BETA_ORIGIN, 'null']) {
      for (const path of PATHS) {
        const pre = await preflight(path, origin);
        expect(pre.status, `${origin} ${path}`).toBe(403);
        expect(pre.headers.get('access-control-allow-origin')).toBeNull();
        const res = await fetch(`${server.baseUrl}${path}`, { headers: { origin } });
        expect(res.headers.get('access-control-allow-origin'), `${origin} ${path}`).toBeNull();
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
        expect(res.headers.get('vary')).toMatch(/Origin/);
      }
    }
    // A refused preflight is no refused API call: nothing in the audit trail.
    const refusals = (await server.system.repos.audit.listForOrganization(acmeId, 500)).filter((e) => e.action === 'api.refused');
    expect(refusals.filter((e) => (e.after as { method?: string } | null)?.method === 'OPTIONS')).toEqual([]);
    // The other organization's origin is allowed on its own paths only.
    const own = await preflight('/t/beta/oauth2/token', BETA_ORIGIN);
    expect(own.status).toBe(204);
    expect(own.headers.get('access-control-allow-origin')).toBe(BETA_ORIGIN);
  });

  it('keeps same-origin calls working (the Console and My Account call the token endpoint from PUBLIC_URL)', async () => {
    const res = await fetch(`${server.baseUrl}/t/acme/oauth2/token`, {
      method: 'POST',
      headers: { origin: new URL(server.baseUrl).origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=nope&client_id=${spaId}&redirect_uri=http://127.0.0.1:9/callback&code_verifier=${'v'.repeat(43)}`,
    });
    const body = (await res.json()) as { error: string; error_description?: string };
    // The client is found, so the provider's origin check ran: the code is what is wrong.
    expect(body.error).toBe('invalid_grant');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('follows application changes at once: a removed origin or application is no longer allowed', async () => {
    const apps = server.system.services.applications;
    expect((await preflight('/t/acme/scim2/Me', 'https://new.example')).status).toBe(403);
    await apps.updateApplication(acmeId, extraAppId, { allowedOrigins: ['https://new.example'] }, SYSTEM_CONTEXT);
    expect((await preflight('/t/acme/scim2/Me', 'https://new.example')).status).toBe(204);
    expect((await preflight('/t/acme/scim2/Me', 'http://localhost:5173')).status).toBe(403);
    await apps.deleteApplication(acmeId, extraAppId, SYSTEM_CONTEXT);
    expect((await preflight('/t/acme/scim2/Me', 'https://new.example')).status).toBe(403);
    expect((await preflight('/t/acme/scim2/Me', EXTRA_ORIGIN)).status).toBe(403);
  });

  it('accepts only exact https (or loopback http) origins as allowed origins', async () => {
    const apps = server.system.services.applications;
    const create = (allowedOrigins: string[], type = 'spa') =>
      apps.createApplication(acmeId, { name: 'Bad', type, redirectUris: type === 'm2m' ? [] : ['https://bad.example/cb'], allowedOrigins }, SYSTEM_CONTEXT);
    for (const bad of ['http://shop.example', 'https://shop.example/', 'https://shop.example/path', 'https://*.example', '*', 'shop.example', 'ftp://shop.example', 'https://user@shop.example']) {
      await expect(create([bad]), bad).rejects.toMatchObject({ code: 'application.invalid' });
    }
    await expect(create(['https://ok.example'], 'm2m')).rejects.toMatchObject({ code: 'application.invalid' });
    const ok = await create(['https://ok.example:8443', 'http://localhost:3001', 'http://127.0.0.1:8080']);
    expect(ok.application.allowedOrigins).toEqual(['https://ok.example:8443', 'http://localhost:3001', 'http://127.0.0.1:8080']);
    await apps.deleteApplication(acmeId, ok.application.id, SYSTEM_CONTEXT);
  });

  it('decides by the Origin header and PUBLIC_URL, not by the Host a proxy passes on', async () => {
    // A reverse proxy on another port: requests reach the server with the proxy's Host.
    const proxy = http.createServer((incoming, outgoing) => {
      const upstream = http.request(new URL(incoming.url!, server.baseUrl), { method: incoming.method, headers: incoming.headers }, (response) => {
        outgoing.writeHead(response.statusCode!, response.headers);
        response.pipe(outgoing);
      });
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const allowed = await fetch(`${proxied}/t/acme/oauth2/token`, { method: 'OPTIONS', headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' } });
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      // The proxy's own origin is no browser origin of the organization.
      const refused = await fetch(`${proxied}/t/acme/scim2/Me`, { method: 'OPTIONS', headers: { origin: proxied, 'access-control-request-method': 'GET' } });
      expect(refused.status).toBe(403);
      // PUBLIC_URL's origin (the Console behind the proxy) still reaches the token endpoint.
      const token = await fetch(`${proxied}/t/acme/oauth2/token`, {
        method: 'POST',
        headers: { origin: new URL(server.baseUrl).origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=authorization_code&code=nope&client_id=${spaId}&redirect_uri=http://127.0.0.1:9/callback&code_verifier=${'v'.repeat(43)}`,
      });
      expect(((await token.json()) as { error: string }).error).toBe('invalid_grant');
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('serves a check_session_iframe page that only the organization’s origins may frame', async () => {
    const res = await fetch(`${server.baseUrl}/t/acme/oidc/checksession`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/frame-ancestors 'self'[^;]*http:\/\/127\.0\.0\.1:9/);
    expect(csp).not.toContain(BETA_ORIGIN);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(await res.text()).toContain("postMessage('error'");
    expect((await fetch(`${server.baseUrl}/t/nobody/oidc/checksession`)).status).toBe(404);
  });
});
