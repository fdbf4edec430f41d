// The hosted sign-in page: the same answer for an unknown email and a wrong password, no code
// for accounts that may not sign in, CSRF protection, and the headers a hosted page needs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, createOrganization, countingHasher, OWNER_PASSWORD, type RunningServer } from '../support/system.ts';
import { TestBrowser, type PageResponse } from '../support/browser.ts';
import { pkcePair, registerApplication, REDIRECT_URI } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

describe('hosted sign-in page', () => {
  let server: RunningServer;
  let counts: { verify: number };
  let orgId: string;
  let ownerId: string;
  let clientId: string;

  beforeAll(async () => {
    const counting = countingHasher();
    counts = counting.counts;
    server = await startTestServer({ hasher: counting.hasher });
    const { organization, owner } = await createOrganization(server.system, 'acme');
    orgId = organization.id;
    ownerId = owner.id;
    clientId = (await registerApplication(server.system, orgId, { type: 'spa' })).application.id;
  });
  afterAll(() => server.stop());

  async function openSignInPage(): Promise<{ browser: TestBrowser; page: PageResponse }> {
    const { challenge } = await pkcePair();
    const url = new URL(`${server.baseUrl}/t/acme/oauth2/authorize`);
    url.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const browser = new TestBrowser(server.baseUrl);
    const page = await browser.navigate(url.href);
    expect(page.status).toBe(200);
    return { browser, page };
  }

  function withoutVolatileParts(body: string, email: string): string {
    return body.replaceAll(email, 'EMAIL').replace(/\/login\/[^"]+/g, '/login/UID').replace(/%2Flogin%2F[^"]+/g, '%2Flogin%2FUID').replace(/name="csrf" value="[^"]+"/, 'CSRF');
  }

  it('renders a form that works without JavaScript, under a strict Content-Security-Policy', async () => {
    const { page } = await openSignInPage();
    expect(page.body).toContain('<form method="post"');
    expect(page.body).toContain('<label for="email">');
    expect(page.body).not.toContain('<script');
    const res = await fetch(page.url);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers an unknown email exactly as a wrong password, after the same hashing work', async () => {
    const first = await openSignInPage();
    const before = counts.verify;
    const wrongPassword = await first.browser.submitSignIn(first.page, { email: 'owner@acme.test', password: 'not the password' });
    const afterWrong = counts.verify;
    const second = await openSignInPage();
    const unknownEmail = await second.browser.submitSignIn(second.page, { email: 'nobody@acme.test', password: 'not the password' });

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(wrongPassword.status);
    expect(withoutVolatileParts(unknownEmail.body, 'nobody@acme.test')).toBe(withoutVolatileParts(wrongPassword.body, 'owner@acme.test'));
    expect(wrongPassword.body).toContain('The email or password is incorrect.');
    expect(afterWrong - before).toBe(1);
    expect(counts.verify - afterWrong).toBe(1);
    expect(wrongPassword.location).toBeUndefined();
  });

  it('accepts the email in any letter case and with surrounding spaces', async () => {
    const { browser, page } = await openSignInPage();
    const result = await browser.submitSignIn(page, { email: '  OWNER@Acme.TEST ', password: OWNER_PASSWORD });
    expect(result.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
  });

  it('refuses a post without the CSRF token', async () => {
    const { browser, page } = await openSignInPage();
    const result = await browser.submitSignIn(page, { email: 'owner@acme.test', password: OWNER_PASSWORD, csrf: 'forged' });
    expect(result.status).toBe(403);
    expect(result.location).toBeUndefined();
  });

  it.each(['locked', 'disabled'] as const)('gives a %s account no code, even with the right password', async (state) => {
    const { owner } = await server.system.services.organizations.createOrganization(
      { handle: `org-${state}`, displayName: `Org ${state}`, ownerEmail: `${state}@example.test`, ownerPassword: OWNER_PASSWORD },
      SYSTEM_CONTEXT,
    );
    await server.system.repos.users.update(owner.orgId, owner.id, owner.version, { accountState: state }, new Date());
    const app = await registerApplication(server.system, owner.orgId, { type: 'spa' });
    const { challenge } = await pkcePair();
    const url = new URL(`${server.baseUrl}/t/org-${state}/oauth2/authorize`);
    url.search = new URLSearchParams({ client_id: app.application.id, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }).toString();
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, `${state}@example.test`, OWNER_PASSWORD);
    expect(result.status).toBe(403);
    expect(result.location).toBeUndefined();
    expect(result.body).toContain(`This account is ${state}`);
  });

  it('gives a pending (invited) account no code: it has no password yet', async () => {
    const { owner } = await server.system.services.organizations.createOrganization(
      { handle: 'pending-org', displayName: 'Pending Org', ownerEmail: 'invited@example.test' },
      SYSTEM_CONTEXT,
    );
    expect(owner.accountState).toBe('pending');
    const app = await registerApplication(server.system, owner.orgId, { type: 'spa' });
    const { challenge } = await pkcePair();
    const url = new URL(`${server.baseUrl}/t/pending-org/oauth2/authorize`);
    url.search = new URLSearchParams({ client_id: app.application.id, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }).toString();
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, 'invited@example.test', 'any password at all');
    expect(result.status).toBe(401);
    expect(result.location).toBeUndefined();
  });

  it('explains an expired or unknown sign-in request instead of failing', async () => {
    const res = await new TestBrowser(server.baseUrl).request(`${server.baseUrl}/t/acme/login/not-a-real-interaction`);
    expect(res.status).toBe(400);
    expect(res.body).toContain('This sign-in request has expired');
  });

  it('records sign-in attempts in the audit trail without the password', async () => {
    const events = await server.system.repos.audit.listForOrganization(orgId, 100);
    const actions = events.map((e) => e.action);
    expect(actions).toContain('sign_in.failed');
    expect(actions).toContain('sign_in.succeeded');
    const succeeded = events.find((e) => e.action === 'sign_in.succeeded')!;
    expect(succeeded).toMatchObject({ targetId: ownerId, clientIp: '127.0.0.1' });
    expect(succeeded.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(events)).not.toContain(OWNER_PASSWORD);
    expect(JSON.stringify(events)).not.toContain('not the password');
  });
});

describe('brute-force protection on the sign-in page', () => {
  let server: RunningServer;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { organization } = await createOrganization(server.system, 'acme');
    clientId = (await registerApplication(server.system, organization.id, { type: 'spa' })).application.id;
  });
  afterAll(() => server.stop());

  async function attempt(email: string, password: string) {
    const { challenge } = await pkcePair();
    const url = new URL(`${server.baseUrl}/t/acme/oauth2/authorize`);
    url.search = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }).toString();
    return new TestBrowser(server.baseUrl).signIn(url.href, email, password);
  }

  it('pauses an account after 10 failures, even for the right password, and says so alike for unknown emails', async () => {
    for (let i = 0; i < 10; i += 1) expect((await attempt('owner@acme.test', `wrong ${i}`)).status).toBe(401);
    const paused = await attempt('owner@acme.test', OWNER_PASSWORD);
    expect(paused.status).toBe(429);
    expect(paused.location).toBeUndefined();
    expect(paused.body).toContain('Too many failed sign-in attempts');

    for (let i = 0; i < 10; i += 1) expect((await attempt('ghost@acme.test', `wrong ${i}`)).status).toBe(401);
    const ghost = await attempt('ghost@acme.test', 'anything at all');
    expect(ghost.status).toBe(429);
    const normalize = (body: string, email: string) =>
      body.replaceAll(email, 'EMAIL').replace(/\/login\/[^"]+/g, '/login/UID').replace(/%2Flogin%2F[^"]+/g, '%2Flogin%2FUID').replace(/name="csrf" value="[^"]+"/, 'CSRF');
    expect(normalize(ghost.body, 'ghost@acme.test')).toBe(normalize(paused.body, 'owner@acme.test'));
  });
});
