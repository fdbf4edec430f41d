// Self-registration end to end: the sign-up page (off by default), the verification mail, the
// account locked until verified (unless "activate immediately"), an existing address answered
// alike with a mail to its owner, rate limits, and an unverified registration that loses its
// password when the address's real owner verifies, recovers or is invited.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { countingHasher } from '../support/system.ts';
import { newUser } from '../support/scim.ts';
import { linkIn } from '../support/smtp.ts';
import { createOnboardingBed, expectCode, expectNoCode, formAction, hiddenField, submit, WSO2_SCHEMA, type OnboardingBed } from './support.ts';

const REGISTERED = 'registered passphrase';
const OWNERS = 'the real owner passphrase';

describe('self-registration', () => {
  let bed: OnboardingBed;
  const counting = countingHasher();

  beforeAll(async () => {
    bed = await createOnboardingBed('shop', { hasher: counting.hasher });
  });
  afterAll(() => bed.close());

  const url = (path: string) => `${bed.server.baseUrl}/t/shop${path}`;

  async function register(email: string, password = REGISTERED, browser = new TestBrowser(bed.server.baseUrl)) {
    const page = await browser.navigate(url('/register'));
    expect(page.status, page.body).toBe(200);
    return submit(browser, url('/register'), { csrf: hiddenField(page.body, 'csrf'), email, givenName: 'Reg', familyName: 'Istrant', password });
  }

  async function verificationPage(email: string, index = 0) {
    await bed.deliver();
    const mail = bed.smtp.mailsTo(email).filter((m) => m.subject.startsWith('Confirm your email'))[index];
    const browser = new TestBrowser(bed.server.baseUrl);
    const page = await browser.navigate(linkIn(mail));
    expect(page.status, page.body).toBe(200);
    return { browser, page };
  }

  it('is off by default: no page, no link on the sign-in page', async () => {
    expect((await new TestBrowser(bed.server.baseUrl).navigate(url('/register'))).status).toBe(404);
    const signIn = await bed.signIn('x@shop.test', 'whatever passphrase');
    expect(signIn.body).not.toContain('/t/shop/register');
    expect(signIn.body).toContain('/t/shop/password/forgot');
    expect((await bed.api('PATCH', '/settings', { selfRegistrationEnabled: true })).status).toBe(200);
    expect((await bed.signIn('x@shop.test', 'whatever passphrase')).body).toContain('/t/shop/register');
  });

  it('registers, mails a verification link, and keeps the account locked until it is used', async () => {
    const done = await register('rita@shop.test');
    expect(done.status).toBe(200);
    expect(done.body).toContain('Check your email');
    const user = (await bed.server.system.repos.users.findByUserName(bed.orgId, 'rita@shop.test'))!;
    expect(user).toMatchObject({ accountState: 'pending', emailVerified: false, givenName: 'Reg', familyName: 'Istrant' });

    const refused = await bed.signIn('rita@shop.test', REGISTERED);
    expectNoCode(refused);
    expect(refused.body).toContain('has not been activated yet');

    const { browser, page } = await verificationPage('rita@shop.test');
    const wrong = await submit(browser, new URL(formAction(page.body, 0), bed.server.baseUrl).href, { token: hiddenField(page.body, 'token'), mode: 'registered', password: 'not the password' });
    expect(wrong.status).toBe(401);
    const ok = await submit(browser, new URL(formAction(page.body, 0), bed.server.baseUrl).href, { token: hiddenField(page.body, 'token'), mode: 'registered', password: REGISTERED });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('Your email address is confirmed');
    expect(await bed.server.system.repos.users.findById(bed.orgId, user.id)).toMatchObject({ accountState: 'active', emailVerified: true });
    expectCode(await bed.signIn('rita@shop.test', REGISTERED));
    const actions = (await bed.server.system.repos.audit.listForOrganization(bed.orgId, 200)).filter((e) => e.targetId === user.id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.registered', 'user.email_verified', 'user.activated']));
  });

  it('answers an existing address exactly as a new one, after the same work, and mails its owner instead', async () => {
    const before = { ...counting.counts };
    const fresh = await register('new-one@shop.test');
    const afterFresh = { ...counting.counts };
    const existing = await register('rita@shop.test', 'somebody elses passphrase');
    expect(existing.status).toBe(fresh.status);
    expect(existing.body).toBe(fresh.body);
    expect(afterFresh.hash - before.hash).toBe(counting.counts.hash - afterFresh.hash);

    await bed.deliver();
    const toRita = bed.smtp.mailsTo('rita@shop.test');
    expect(toRita.at(-1)!.subject).toBe('Someone tried to register with your address at Shop');
    expect(toRita.at(-1)!.text).toContain('/t/shop/password/forgot');
    // Rita's password is untouched.
    expectCode(await bed.signIn('rita@shop.test', REGISTERED));
  });

  it('lets self-registered accounts sign in at once when the organization activates them immediately', async () => {
    await bed.api('PATCH', '/settings', { selfRegistrationActivateImmediately: true });
    try {
      await register('quick@shop.test');
      expectCode(await bed.signIn('quick@shop.test', REGISTERED));
      expect((await bed.server.system.repos.users.findByUserName(bed.orgId, 'quick@shop.test'))?.emailVerified).toBe(false);
    } finally {
      await bed.api('PATCH', '/settings', { selfRegistrationActivateImmediately: false });
    }
  });

  it('discards the registration password when the real owner verifies with a new one', async () => {
    await bed.api('PATCH', '/settings', { selfRegistrationActivateImmediately: true });
    await register('victim@shop.test'); // by someone else, who can sign in at once
    await bed.api('PATCH', '/settings', { selfRegistrationActivateImmediately: false });
    const attacker = await bed.signIn('victim@shop.test', REGISTERED);
    const attackerTokens = await bed.tokens(expectCode(attacker), attacker.verifier);

    const { browser, page } = await verificationPage('victim@shop.test');
    const owned = await submit(browser, new URL(formAction(page.body, 1), bed.server.baseUrl).href, { token: hiddenField(page.body, 'token'), mode: 'new', password: OWNERS, confirm: OWNERS });
    expect(owned.status).toBe(200);
    expectNoCode(await bed.signIn('victim@shop.test', REGISTERED));
    expectCode(await bed.signIn('victim@shop.test', OWNERS));
    // The registrant's refresh token died with the password.
    await expect(import('openid-client').then((c) => c.refreshTokenGrant(bed.rp, attackerTokens.refresh_token!))).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('discards the registration password when the real owner recovers the account', async () => {
    await register('victim2@shop.test');
    const browser = new TestBrowser(bed.server.baseUrl);
    const forgot = await browser.navigate(url('/password/forgot'));
    await submit(browser, url('/password/forgot'), { csrf: hiddenField(forgot.body, 'csrf'), email: 'victim2@shop.test' });
    await bed.deliver();
    const reset = bed.smtp.mailsTo('victim2@shop.test').find((m) => m.subject.startsWith('Reset your'))!;
    const page = await browser.navigate(linkIn(reset));
    expect((await submit(browser, url('/password/reset'), { token: hiddenField(page.body, 'token'), password: OWNERS, confirm: OWNERS })).status).toBe(200);
    expectNoCode(await bed.signIn('victim2@shop.test', REGISTERED));
    expectCode(await bed.signIn('victim2@shop.test', OWNERS));
  });

  it('gives way to an administrator inviting the address', async () => {
    await register('victim3@shop.test');
    const squatter = await bed.server.system.repos.users.findByUserName(bed.orgId, 'victim3@shop.test');
    const res = await bed.scim.request('POST', '/Users', newUser('victim3@shop.test', { [WSO2_SCHEMA]: { askPassword: true } }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().id).not.toBe(squatter!.id);
    await bed.deliver();
    expect(bed.smtp.mailsTo('victim3@shop.test').map((m) => m.subject)).toContain('You are invited to Shop');
    expectNoCode(await bed.signIn('victim3@shop.test', REGISTERED));
  });

  it('limits sign-ups per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await register('spam@shop.test')).status);
    expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
    expect(statuses[5]).toBe(429);
    await bed.deliver();
    expect(bed.smtp.mailsTo('spam@shop.test').length).toBeLessThanOrEqual(5);
  });
});
