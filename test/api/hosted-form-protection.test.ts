// Issue 10 item 10: the public forms' CSRF tokens are bound to the visitor (a random value in an
// HttpOnly cookie), every hosted-form POST from another site is refused by its Origin or
// Sec-Fetch-Site, hosted pages allow forms to post only to this server, and the provider's pages
// carry the hosted pages' headers. (The redirect to another origin and form_post in a real
// browser: test/ui/cross-origin-sign-in.test.ts.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, startTestServer, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { crossSiteReason } from '../../src/routes/same-origin-posts.ts';
import { hiddenField } from '../onboarding/support.ts';


describe('hosted form protection', () => {
  let server: RunningServer;
  const url = (path: string) => `${server.baseUrl}${path}`;

  beforeAll(async () => {
    server = await startTestServer();
    await createOrganization(server.system, 'acme');
  });
  afterAll(() => server.stop());

  it('binds the forgot-password token to the browser it was given to', async () => {
    const victim = new TestBrowser(server.baseUrl);
    const page = await victim.navigate(url('/t/acme/password/forgot'));
    const csrf = hiddenField(page.body, 'csrf');
    expect(csrf).not.toBe('');
    // The same token in another browser (another visitor cookie, or none) is refused.
    const attacker = new TestBrowser(server.baseUrl);
    await attacker.navigate(url('/t/acme/password/forgot'));
    expect((await attacker.request(url('/t/acme/password/forgot'), { form: { csrf, email: 'owner@acme.test' } })).status).toBe(403);
    const bare = await fetch(url('/t/acme/password/forgot'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, email: 'owner@acme.test' }) });
    expect(bare.status).toBe(403);
    // In its own browser it works.
    expect((await victim.request(url('/t/acme/password/forgot'), { form: { csrf, email: 'owner@acme.test' } })).status).toBe(200);
  });

  it('gives each browser its own token and sets the visitor cookie HttpOnly and SameSite=Lax', async () => {
    const first = await fetch(url('/t/acme/password/forgot'));
    const second = await fetch(url('/t/acme/password/forgot'));
    expect(hiddenField(await first.text(), 'csrf')).not.toBe(hiddenField(await second.text(), 'csrf'));
    expect(first.headers.get('set-cookie')).toMatch(/^tessera_visitor=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('refuses a hosted-form POST that another site made, before any handler', async () => {
    const post = (path: string, headers: Record<string, string>) =>
      fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'email=owner%40acme.test' });
    for (const path of ['/t/acme/password/forgot', '/t/acme/login/some-interaction', '/t/acme/register', '/setup', '/t/acme/password/set']) {
      expect((await post(path, { origin: 'https://evil.example' })).status, path).toBe(403);
      expect((await post(path, { 'sec-fetch-site': 'cross-site' })).status, path).toBe(403);
      expect((await post(path, { 'sec-fetch-site': 'same-site' })).status, path).toBe(403);
    }
    const sameOrigin = await post('/t/acme/password/forgot', { 'sec-fetch-site': 'same-origin', origin: 'null' });
    expect(sameOrigin.status).toBe(403); // still no token: the form check answers
    expect(await sameOrigin.text()).toContain('The form expired');
  });

  it('judges by Sec-Fetch-Site when the browser sends it, by Origin otherwise', () => {
    const ours = 'https://id.example.com';
    expect(crossSiteReason({ 'sec-fetch-site': 'same-origin', origin: 'null' }, ours)).toBeUndefined();
    expect(crossSiteReason({ 'sec-fetch-site': 'none' }, ours)).toBeUndefined();
    expect(crossSiteReason({ 'sec-fetch-site': 'cross-site', origin: ours }, ours)).toMatch(/cross-site/);
    expect(crossSiteReason({ origin: ours }, ours)).toBeUndefined();
    expect(crossSiteReason({ origin: 'https://evil.example' }, ours)).toMatch(/evil/);
    expect(crossSiteReason({}, ours)).toBeUndefined();
  });

  it("lets hosted pages' forms post only to this server", async () => {
    const page = await fetch(url('/t/acme/password/forgot'));
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('script-src');
  });

  it("gives the provider's pages the hosted pages' headers, and form_post's script its hash", async () => {
    const discovery = await fetch(url('/t/acme/oauth2/token/.well-known/openid-configuration'));
    for (const [name, value] of [
      ['x-frame-options', 'DENY'],
      ['x-content-type-options', 'nosniff'],
      ['referrer-policy', 'no-referrer'],
    ]) {
      expect(discovery.headers.get(name), name).toBe(value);
    }
    const csp = discovery.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    // form_post's script and the sign-out page's auto-submit, each by its hash.
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+' 'sha256-[A-Za-z0-9+/=]+'$/);
    expect(csp).not.toContain('form-action');
  });
});
