// Passwords over 256 characters are refused before any hashing, on every path a password
// reaches argon2id (issue 10 item 8): argon2id's work grows with its input, so an unbounded
// password would be a cheap way to load the server. On the sign-in page such a password is
// simply wrong (no hashing, the usual answer); everywhere else it is a 400 with the length
// message. The counting hasher proves nothing was hashed or verified.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { TestBrowser } from '../support/browser.ts';
import { newUser, PATCH_SCHEMA } from '../support/scim.ts';
import { countingHasher, createTestSystem, type TestSystem } from '../support/system.ts';
import { linkIn } from '../support/smtp.ts';
import { userAccessToken } from '../scim/users-support.ts';
import { createOnboardingBed, expectNoCode, formAction, hiddenField, submit, type OnboardingBed } from './support.ts';

const LENGTH_MESSAGE = 'Password must be at most 256 characters long';
const PASSWORD = 'violet tractor umbrella';
// A strong passphrase one character too long.
const OVERLONG = `${'violet tractor umbrella '.repeat(11).slice(0, 256)}x`;

describe('passwords over 256 characters', () => {
  const counting = countingHasher();
  let bed: OnboardingBed;
  const url = (path: string) => `${bed.server.baseUrl}/t/long${path}`;

  beforeAll(async () => {
    bed = await createOnboardingBed('long', { hasher: counting.hasher });
    expect((await bed.api('PATCH', '/settings', { selfRegistrationEnabled: true })).status).toBe(200);
  });
  afterAll(() => bed?.close());

  /** Runs `work` and returns how many hashes and verifications it caused. */
  async function hasherCalls(work: () => Promise<unknown>) {
    const before = { ...counting.counts };
    await work();
    return { hash: counting.counts.hash - before.hash, verify: counting.counts.verify - before.verify };
  }

  async function createUser(email: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await bed.scim.request('POST', '/Users', newUser(email, { password: PASSWORD, ...extra }));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  it('on the sign-in page counts as a wrong password, without hashing', async () => {
    await createUser('signer@long.test');
    // Warm the decoy hash so that the count below is about this sign-in alone.
    expectNoCode(await bed.signIn('nobody@long.test', 'a wrong passphrase'));
    let page: Awaited<ReturnType<OnboardingBed['signIn']>> | undefined;
    expect(await hasherCalls(async () => (page = await bed.signIn('signer@long.test', OVERLONG)))).toEqual({ hash: 0, verify: 0 });
    expect(page!.status).toBe(401);
    expect(page!.body).toContain('The email or password is incorrect.');
    expectNoCode(page!);
    let unknown: Awaited<ReturnType<OnboardingBed['signIn']>> | undefined;
    expect(await hasherCalls(async () => (unknown = await bed.signIn('nobody@long.test', OVERLONG)))).toEqual({ hash: 0, verify: 0 });
    expect(unknown!.status).toBe(401);
    const failures = (await bed.server.system.repos.audit.listForOrganization(bed.orgId, 50)).filter((e) => e.action === 'sign_in.failed');
    expect(failures.length).toBeGreaterThanOrEqual(3);
  });

  it('on SCIM POST, PUT and PATCH /Users is a 400 before hashing', async () => {
    const id = await createUser('scim@long.test');
    const calls = await hasherCalls(async () => {
      for (const res of [
        await bed.scim.request('POST', '/Users', newUser('scim2@long.test', { password: OVERLONG })),
        await bed.scim.request('PUT', `/Users/${id}`, newUser('scim@long.test', { password: OVERLONG })),
        await bed.scim.request('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: OVERLONG }] }),
      ]) {
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json()).toMatchObject({ scimType: 'invalidValue', detail: LENGTH_MESSAGE });
      }
    });
    expect(calls).toEqual({ hash: 0, verify: 0 });
  });

  it("on /Me is a 400 for an overlong current password, which is never verified", async () => {
    const id = await createUser('me@long.test', { password: PASSWORD });
    const spa = (await bed.server.system.repos.applications.findBuiltIn(bed.orgId, 'myaccount'))!;
    const token = await userAccessToken({ system: bed.server.system, app: bed.server.app, close: async () => {} }, 'long', spa.id, id, ['openid', 'internal_login']);
    let res: Awaited<ReturnType<FastifyInstance['inject']>> | undefined;
    const calls = await hasherCalls(async () => {
      res = await bed.server.app.inject({
        method: 'PATCH',
        url: '/t/long/scim2/Me',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: 'a brand new passphrase 9' }], currentPassword: OVERLONG }),
      });
    });
    expect(res!.statusCode, res!.body).toBe(400);
    expect(res!.json()).toMatchObject({ detail: LENGTH_MESSAGE });
    expect(calls).toEqual({ hash: 0, verify: 0 });
  });

  it('on the set-password page (invitation link) is a 400 before hashing', async () => {
    const invited = await bed.api('POST', '/invitations', { email: 'invitee@long.test', delivery: 'link' });
    expect(invited.status).toBe(201);
    const browser = new TestBrowser(bed.server.baseUrl);
    const page = await browser.navigate(invited.json.link);
    expect(page.status, page.body).toBe(200);
    let res: Awaited<ReturnType<typeof submit>> | undefined;
    const calls = await hasherCalls(async () => {
      res = await submit(browser, new URL(formAction(page.body), bed.server.baseUrl).href, { token: hiddenField(page.body, 'token'), password: OVERLONG, confirm: OVERLONG });
    });
    expect(res!.status).toBe(400);
    expect(res!.body).toContain(LENGTH_MESSAGE);
    expect(calls).toEqual({ hash: 0, verify: 0 });
  });

  it('on the forced change of a temporary password is a 400 before hashing', async () => {
    const res = await bed.scim.request('POST', '/Users', newUser('temp@long.test', { password: PASSWORD, 'urn:scim:wso2:schema': { forcePasswordReset: true } }));
    expect(res.statusCode, res.body).toBe(201);
    const forced = await bed.signIn('temp@long.test', PASSWORD);
    expect(forced.body).toContain('Choose your own password');
    let changed: Awaited<ReturnType<typeof submit>> | undefined;
    const calls = await hasherCalls(async () => {
      changed = await submit(forced.browser, new URL(formAction(forced.body), bed.server.baseUrl).href, { token: hiddenField(forced.body, 'token'), password: OVERLONG, confirm: OVERLONG });
    });
    expect(changed!.status).toBe(400);
    expect(changed!.body).toContain(LENGTH_MESSAGE);
    expect(calls).toEqual({ hash: 0, verify: 0 });
  });

  describe('self-registration', () => {
    async function register(email: string, password: string) {
      const browser = new TestBrowser(bed.server.baseUrl);
      const page = await browser.navigate(url('/register'));
      return submit(browser, url('/register'), { csrf: hiddenField(page.body, 'csrf'), email, givenName: 'Reg', familyName: 'Istrant', password });
    }

    it('refuses an overlong password on sign-up with a 400 before hashing', async () => {
      let res: Awaited<ReturnType<typeof submit>> | undefined;
      expect(await hasherCalls(async () => (res = await register('reg@long.test', OVERLONG)))).toEqual({ hash: 0, verify: 0 });
      expect(res!.status).toBe(400);
      expect(res!.body).toContain(LENGTH_MESSAGE);
    });

    it('refuses an overlong "registered password" on the verification page with a 400, never verifying it', async () => {
      expect((await register('verify@long.test', PASSWORD)).status).toBe(200);
      await bed.deliver();
      const mail = bed.smtp.mailsTo('verify@long.test').find((m) => m.subject.startsWith('Confirm your email'))!;
      const browser = new TestBrowser(bed.server.baseUrl);
      const page = await browser.navigate(linkIn(mail));
      expect(page.status, page.body).toBe(200);
      let res: Awaited<ReturnType<typeof submit>> | undefined;
      const calls = await hasherCalls(async () => {
        res = await submit(browser, new URL(formAction(page.body, 0), bed.server.baseUrl).href, { token: hiddenField(page.body, 'token'), mode: 'registered', password: OVERLONG });
      });
      expect(res!.status).toBe(400);
      expect(res!.body).toContain(LENGTH_MESSAGE);
      expect(calls).toEqual({ hash: 0, verify: 0 });
    });
  });
});

describe('an overlong password in first-run setup', () => {
  const counting = countingHasher();
  let system: TestSystem;
  let app: FastifyInstance;

  beforeAll(async () => {
    system = await createTestSystem({ hasher: counting.hasher });
    app = await buildApp(system, { logger: false });
  });
  afterAll(async () => {
    await app?.close();
    await system?.close();
  });

  it('is a 400 in the form, before hashing', async () => {
    const token = (await system.services.firstRun.issueLinkIfUnset())!;
    const before = { ...counting.counts };
    const res = await app.inject({
      method: 'POST',
      url: '/setup',
      payload: new URLSearchParams({ token, name: 'Acme', handle: 'acme', email: 'owner@acme.test', password: OVERLONG }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(LENGTH_MESSAGE);
    expect(counting.counts).toEqual(before);
  });
});
