// Look-alike addresses on every surface that takes one (issue 10 item 9), besides SCIM
// (test/scim/users-lookalike.test.ts): management-API and administrator invitations, self
// sign-up and first-run setup refuse an invisible character or mixed scripts with a 400 that
// says why; forgot-password answers every address alike, as it does a malformed one, and
// finds the account by its canonical (NFKC) name.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { API_SCOPES } from '../../src/oidc/scopes.ts';
import { TestBrowser } from '../support/browser.ts';
import { newUser } from '../support/scim.ts';
import { createTestSystem, type TestSystem } from '../support/system.ts';
import { createOnboardingBed, hiddenField, submit, type OnboardingBed } from './support.ts';

const INVISIBLE = 'The email address contains an invisible or text-direction character';
const CYRILLIC_MIX = 'The part before @ mixes letters of different scripts (Latin and Cyrillic)';
const PASSWORD = 'violet tractor umbrella';

describe('look-alike addresses on the onboarding surfaces', () => {
  let bed: OnboardingBed;
  let ownerToken: string;
  const url = (path: string) => `${bed.server.baseUrl}/t/twins${path}`;

  beforeAll(async () => {
    bed = await createOnboardingBed('twins');
    const { system } = bed.server;
    // The owner's token as the Console holds it: administrator invitations are the owner's.
    const consoleApp = await system.repos.applications.findBuiltIn(bed.orgId, 'console');
    const entry = (await system.providers.get('twins'))!;
    const client = await entry.provider.Client.find(consoleApp!.id);
    const token = new entry.provider.AccessToken({ accountId: bed.scim.owner.id, client: client!, scope: API_SCOPES.join(' '), grantId: 'grant-owner', gty: 'authorization_code' });
    ownerToken = await token.save();
    expect((await bed.api('PATCH', '/settings', { selfRegistrationEnabled: true })).status).toBe(200);
    expect((await bed.scim.request('POST', '/Users', newUser('mallory@twins.test', { password: PASSWORD }))).statusCode).toBe(201);
  });
  afterAll(() => bed?.close());

  const asOwner = (path: string, body: unknown) =>
    bed.server.app.inject({
      method: 'POST',
      url: `/t/twins/api/server/v1${path}`,
      headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  describe('management-API invitations', () => {
    it('refuses an invisible character and mixed scripts with a 400 that says why', async () => {
      const invisible = await bed.api('POST', '/invitations', { email: 'new\u200buser@twins.test' });
      expect(invisible).toMatchObject({ status: 400, json: { code: 'user.invalid_email', message: INVISIBLE } });
      const mixed = await bed.api('POST', '/invitations', { email: 'n\u0430me@twins.test' });
      expect(mixed).toMatchObject({ status: 400, json: { code: 'user.invalid_email', message: CYRILLIC_MIX } });
    });

    it('takes the fullwidth twin of an existing user for that user: 409', async () => {
      expect(await bed.api('POST', '/invitations', { email: 'ｍａｌｌｏｒｙ@twins.test' })).toMatchObject({ status: 409, json: { code: 'user.email_in_use' } });
    });
  });

  describe('administrator invitations', () => {
    it('refuses an invisible character and mixed scripts with a 400 that says why', async () => {
      const invisible = await asOwner('/administrators', { email: 'boss\u202e@twins.test', delivery: 'link' });
      expect(invisible.statusCode, invisible.body).toBe(400);
      expect(invisible.json()).toMatchObject({ code: 'user.invalid_email', message: INVISIBLE });
      const mixed = await asOwner('/administrators', { email: '\u0430dmin@twins.test', delivery: 'link' });
      expect(mixed.statusCode, mixed.body).toBe(400);
      expect(mixed.json()).toMatchObject({ code: 'user.invalid_email', message: CYRILLIC_MIX });
    });
  });

  describe('self sign-up', () => {
    async function register(email: string) {
      const browser = new TestBrowser(bed.server.baseUrl);
      const page = await browser.navigate(url('/register'));
      return submit(browser, url('/register'), { csrf: hiddenField(page.body, 'csrf'), email, givenName: 'Reg', familyName: 'Istrant', password: PASSWORD });
    }

    it('shows the reason in the form with a 400', async () => {
      const invisible = await register('sign\u00adup@twins.test');
      expect(invisible.status).toBe(400);
      expect(invisible.body).toContain(INVISIBLE);
      const mixed = await register('sign\u0430up@twins.test');
      expect(mixed.status).toBe(400);
      expect(mixed.body).toContain(CYRILLIC_MIX);
      const { users } = bed.server.system.repos;
      expect(await users.findByUserName(bed.orgId, 'sign\u00adup@twins.test')).toBeUndefined();
      expect(await users.findByUserName(bed.orgId, 'sign\u0430up@twins.test')).toBeUndefined();
    });
  });

  describe('forgot-password', () => {
    async function forgot(email: string) {
      const browser = new TestBrowser(bed.server.baseUrl);
      const page = await browser.navigate(url('/password/forgot'));
      return submit(browser, url('/password/forgot'), { csrf: hiddenField(page.body, 'csrf'), email });
    }

    it('answers a look-alike exactly as any address, and mails nobody for it', async () => {
      await bed.deliver();
      const before = bed.smtp.mailsTo('mallory@twins.test').length;
      const plain = await forgot('nobody@twins.test');
      for (const twin of ['m\u0430llory@twins.test', 'mal\u200blory@twins.test']) {
        const res = await forgot(twin);
        expect(res.status).toBe(plain.status);
        expect(res.body).toContain('Check your email');
      }
      await bed.deliver();
      expect(bed.smtp.mailsTo('mallory@twins.test')).toHaveLength(before);
    });

    it('finds the account by its canonical name: the fullwidth form reaches the real owner', async () => {
      await bed.deliver();
      const before = bed.smtp.mailsTo('mallory@twins.test').length;
      expect((await forgot('ｍａｌｌｏｒｙ@twins.test')).status).toBe(200);
      await bed.deliver();
      expect(bed.smtp.mailsTo('mallory@twins.test')).toHaveLength(before + 1);
    });
  });
});

describe('look-alike addresses in first-run setup', () => {
  let system: TestSystem;
  let app: FastifyInstance;

  beforeAll(async () => {
    system = await createTestSystem();
    app = await buildApp(system, { logger: false });
  });
  afterAll(async () => {
    await app?.close();
    await system?.close();
  });

  const setup = (form: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/setup', payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  it('shows the reason in the form with a 400 and creates nothing; the fullwidth form is stored plain', async () => {
    const token = (await system.services.firstRun.issueLinkIfUnset())!;
    const invisible = await setup({ token, name: 'Acme', handle: 'acme', email: 'owner\u2066@acme.test', password: PASSWORD });
    expect(invisible.statusCode).toBe(400);
    expect(invisible.body).toContain(INVISIBLE);
    const mixed = await setup({ token, name: 'Acme', handle: 'acme', email: '\u043ewner@acme.test', password: PASSWORD });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.body).toContain('The part before @ mixes letters of different scripts (Latin and Cyrillic)');
    expect(await system.repos.organizations.findByHandle('acme')).toBeUndefined();

    expect((await setup({ token, name: 'Acme', handle: 'acme', email: 'ｏｗｎｅｒ@acme.test', password: PASSWORD })).statusCode).toBe(201);
    const org = await system.repos.organizations.findByHandle('acme');
    expect(await system.repos.users.findByUserName(org!.id, 'owner@acme.test')).toMatchObject({ adminRole: 'owner' });
  });
});
