// Issue 14 item 7: no dead ends. The set-up page links to the Console and My Account (and the
// log names them); the organization's own address opens My Account; "Check your email" leads
// back to the sign-in it came from; "No access" names the application and offers signing in as
// someone else or going back to the application, which is told access_denied.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import * as client from 'openid-client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createTestSystem, startTestServer, createOrganization, createCustomer, type RunningServer, type TestSystem } from '../support/system.ts';
import { TestBrowser, type PageResponse } from '../support/browser.ts';
import { pkcePair, registerApplication, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const CUSTOMER_PASSWORD = 'a customer passphrase';
const unescape = (value: string) => value.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');
const hrefOf = (page: PageResponse, text: string | RegExp) => {
  const match = [...page.body.matchAll(/<a href="([^"]+)">([^<]*)<\/a>/g)].find(([, , label]) => (typeof text === 'string' ? label.includes(text) : text.test(label)));
  return match ? unescape(match[1]) : undefined;
};

describe('first-run set-up names the way on', () => {
  let system: TestSystem;
  let app: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    system = await createTestSystem({ publicUrl: 'https://id.example.test' });
    const stream = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    app = await buildApp(system, { logger: { level: 'info', stream } });
  });
  afterAll(async () => {
    await app.close();
    await system.close();
  });

  it('links the success page to the Console and My Account and logs their URLs', async () => {
    const token = (await system.services.firstRun.issueLinkIfUnset())!;
    const created = await app.inject({
      method: 'POST',
      url: '/setup',
      payload: new URLSearchParams({ token, name: 'Acme', handle: 'acme', email: 'owner@acme.test', password: 'a long enough passphrase' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body).toContain('<a href="https://id.example.test/t/acme/console/">');
    expect(created.body).toContain('<a href="https://id.example.test/t/acme/myaccount/">');
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.consoleUrl);
    expect(logged).toMatchObject({ consoleUrl: 'https://id.example.test/t/acme/console/', myAccountUrl: 'https://id.example.test/t/acme/myaccount/' });
    expect(String(logged!.msg)).toContain('https://id.example.test/t/acme/console/');
    // The password never reaches the log.
    expect(lines.join('')).not.toContain('a long enough passphrase');
  });
});

describe('hosted pages with a way on', () => {
  let server: RunningServer;
  let restrictedClientId: string;
  let openClientId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { organization } = await createOrganization(server.system, 'acme');
    const { groups, applications, settings } = server.system.services;
    const member = await createCustomer(server.system, organization, 'gold@acme.test', CUSTOMER_PASSWORD);
    await createCustomer(server.system, organization, 'plain@acme.test', CUSTOMER_PASSWORD);
    const gold = (await groups.createGroup(organization.id, { displayName: 'Gold', memberIds: [member.id] }, SYSTEM_CONTEXT)).group.id;
    restrictedClientId = (
      await applications.createApplication(organization.id, { name: 'Gold lounge', type: 'spa', redirectUris: [REDIRECT_URI], allowedGroupIds: [gold] }, SYSTEM_CONTEXT)
    ).application.id;
    openClientId = (await registerApplication(server.system, organization.id, { type: 'spa', name: 'Shop' })).application.id;
    await settings.update(organization.id, { selfRegistrationEnabled: true }, SYSTEM_CONTEXT);
  });
  afterAll(() => server?.stop());

  async function authorizationUrl(state = 'xyz', clientId = restrictedClientId) {
    const config = await relyingParty(server.baseUrl, 'acme', clientId);
    const { challenge } = await pkcePair();
    return client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', state }).href;
  }

  it('opens My Account at the organization\'s own address', async () => {
    for (const path of ['/t/acme', '/t/acme/']) {
      const res = await server.app.inject({ method: 'GET', url: path, headers: { accept: 'text/html' } });
      expect(res.statusCode, path).toBe(302);
      expect(res.headers.location).toBe('/t/acme/myaccount/');
    }
    const unknown = await server.app.inject({ method: 'GET', url: '/t/nobody', headers: { accept: 'text/html' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('There is no organization at this address');
  });

  it.each([
    ['forgot password', 'Forgot', { email: 'plain@acme.test' }],
    ['sign-up', /Create an account|Sign up|Register/i, { email: 'new@acme.test', password: 'a brand new passphrase 42', givenName: 'New', familyName: 'Person' }],
  ])('leads "Check your email" (%s) back to the sign-in page it came from', async (_what, linkText, form) => {
    const browser = new TestBrowser(server.baseUrl);
    const signIn = await browser.navigate(await authorizationUrl());
    expect(signIn.body).toContain('name="password"');
    const signInPath = new URL(signIn.url).pathname;
    const formPage = await browser.navigate(new URL(hrefOf(signIn, linkText)!, signIn.url).href);
    expect(formPage.status).toBe(200);
    const action = unescape(/<form method="post" action="([^"]+)"/.exec(formPage.body)![1]);
    const csrf = /name="csrf" value="([^"]+)"/.exec(formPage.body)![1];
    const done = await browser.navigate(new URL(action, formPage.url).href, { form: { csrf, ...form } });
    expect(done.body).toContain('Check your email');
    expect(hrefOf(done, 'Back to sign-in')).toBe(signInPath);
    // And the sign-in page is still there to go back to.
    const back = await browser.navigate(new URL(signInPath, server.baseUrl).href);
    expect(back.status).toBe(200);
    expect(back.body).toContain('name="password"');
  });

  it('never leads "Back to sign-in" anywhere but this organization\'s sign-in page', async () => {
    const browser = new TestBrowser(server.baseUrl);
    const formPage = await browser.navigate(`${server.baseUrl}/t/acme/password/forgot?return=${encodeURIComponent('https://evil.example/t/acme/login/x')}`);
    expect(formPage.body).not.toContain('evil.example');
    const csrf = /name="csrf" value="([^"]+)"/.exec(formPage.body)![1];
    const done = await browser.navigate(`${server.baseUrl}/t/acme/password/forgot?return=${encodeURIComponent('//evil.example/')}`, { form: { csrf, email: 'plain@acme.test' } });
    expect(hrefOf(done, 'Back to sign-in')).toBe('/t/acme/myaccount/');
  });

  it('names the application on "No access", and lets the person sign in as someone else', async () => {
    const browser = new TestBrowser(server.baseUrl);
    const denied = await browser.signIn(await authorizationUrl(), 'plain@acme.test', CUSTOMER_PASSWORD);
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('does not have access to Gold lounge');
    expect(denied.body).toContain('Back to Gold lounge');
    const switchHref = hrefOf(denied, 'Sign in as someone else')!;
    expect(new URL(switchHref, server.baseUrl).searchParams.get('prompt')).toBe('login');
    const form = await browser.navigate(new URL(switchHref, server.baseUrl).href);
    expect(form.body).toContain('name="password"');
    const member = await browser.submitSignIn(form, { email: 'gold@acme.test', password: CUSTOMER_PASSWORD });
    expect(member.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
    expect(new URL(member.location!).searchParams.get('state')).toBe('xyz');
  });

  it('finishes the sign-in after a forced temporary-password change, with the same application-access check', async () => {
    const { users, groups } = server.system.services;
    const organization = (await server.system.repos.organizations.findByHandle('acme'))!;
    const gold = (await server.system.repos.groups.findByName(organization.id, 'Gold'))!;
    // Two customers with temporary passwords (set by a person, the organization's default rule).
    const owner = (await server.system.repos.users.listAdministrators(organization.id))[0];
    const asOwner = { actor: { type: 'user' as const, id: owner.id } };
    const member = await users.createUser(organization, { userName: 'temp-gold@acme.test', password: 'a temporary passphrase 1' }, asOwner);
    await users.createUser(organization, { userName: 'temp-plain@acme.test', password: 'a temporary passphrase 1' }, asOwner);
    await groups.updateGroup(organization.id, gold.id, { members: { add: [member.user.id], remove: [] } }, SYSTEM_CONTEXT);
    const change = async (email: string) => {
      const browser = new TestBrowser(server.baseUrl);
      const forced = await browser.signIn(await authorizationUrl('after-change'), email, 'a temporary passphrase 1');
      expect(forced.body).toContain('Choose your own password');
      const action = unescape(/<form method="post" action="([^"]+)"/.exec(forced.body)![1]);
      const token = /name="token" value="([^"]+)"/.exec(forced.body)![1];
      return browser.navigate(new URL(action, forced.url).href, { form: { token, password: 'my own new passphrase 9', confirm: 'my own new passphrase 9' } });
    };
    // A member goes straight on to the application with a code: no second sign-in.
    const done = await change('temp-gold@acme.test');
    expect(done.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
    expect(new URL(done.location!).searchParams.get('state')).toBe('after-change');
    // Someone outside the application's groups changes the password but gets "No access", no code.
    const denied = await change('temp-plain@acme.test');
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('does not have access to Gold lounge');
    expect(denied.location ?? '').not.toMatch(/code=/);
  });

  it('offers the same ways on to someone already signed in, whom "No access" meets at once', async () => {
    const browser = new TestBrowser(server.baseUrl);
    const shop = await browser.signIn(await authorizationUrl('shop', openClientId), 'plain@acme.test', CUSTOMER_PASSWORD);
    expect(shop.location).toMatch(/\?code=/);
    const denied = await browser.navigate(await authorizationUrl());
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('does not have access to Gold lounge');
    expect(denied.body).toContain('Back to Gold lounge');
    // prompt=login gets the sign-in form although the session's account has no access. (Signing
    // in there as another account ends on the provider's self-submitting page, which
    // test/ui/cross-origin-sign-in.test.ts drives in Chromium.)
    const form = await browser.navigate(new URL(hrefOf(denied, 'Sign in as someone else')!, server.baseUrl).href);
    expect(form.status).toBe(200);
    expect(form.body).toContain('name="password"');
  });

  it('takes the person back to the application from "No access", telling it access_denied', async () => {
    const browser = new TestBrowser(server.baseUrl);
    const denied = await browser.signIn(await authorizationUrl('back-state'), 'plain@acme.test', CUSTOMER_PASSWORD);
    expect(denied.status).toBe(403);
    const actions = [...denied.body.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => unescape(m[1]));
    const abort = actions.find((action) => action.endsWith('/abort'))!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(denied.body)![1];
    // The page's CSP lets the form end at the application.
    const forged = await browser.navigate(new URL(abort, denied.url).href, { form: { csrf: 'forged' } });
    expect(forged.status).toBe(403);
    const back = await browser.navigate(new URL(abort, denied.url).href, { form: { csrf } });
    const location = new URL(back.location!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('back-state');
    expect(location.searchParams.get('code')).toBeNull();
  });
});
