// Invitations end to end against a real SMTP server: SCIM POST /Users with askPassword, the
// mail, its link, the hosted page, the password, and a sign-in that gives the application a
// code. Plus: the pending account cannot sign in, links are single-use under concurrency and
// expire per the organization's setting, resending replaces the link, an expired link's page
// asks for a new one without saying who exists, and the offline link for administrators.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser } from '../support/scim.ts';
import { TestBrowser } from '../support/browser.ts';
import { linkIn, tokenOf } from '../support/smtp.ts';
import { createOnboardingBed, expectCode, expectNoCode, formAction, hiddenField, submit, TestClock, WSO2_SCHEMA, type OnboardingBed } from './support.ts';

const PASSWORD = 'a long welcome passphrase';

describe('invitation by email', () => {
  const clock = new TestClock();
  let bed: OnboardingBed;

  beforeAll(async () => {
    bed = await createOnboardingBed('invite', { clock });
  });
  afterAll(() => bed.close());

  async function invite(email: string, extra: Record<string, unknown> = {}) {
    const res = await bed.scim.request('POST', '/Users', newUser(email, { [WSO2_SCHEMA]: { askPassword: true }, ...extra }));
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  }

  async function setPassword(link: string, password: string, confirm = password) {
    const browser = new TestBrowser(bed.server.baseUrl);
    const page = await browser.navigate(link);
    expect(page.status, page.body).toBe(200);
    return submit(browser, new URL(formAction(page.body), bed.server.baseUrl).href, { token: hiddenField(page.body, 'token'), password, confirm });
  }

  it('goes from SCIM POST /Users to the mail to the password to a sign-in with a code', async () => {
    const { id } = await invite('ann@invite.test');
    // The mail is in the outbox, written with the user; nothing is sent before the dispatcher runs.
    const queued = await bed.api('GET', `/mails?userId=${id}`);
    expect(queued.json.mails).toMatchObject([{ purpose: 'invitation', status: 'pending', recipient: 'ann@invite.test' }]);
    expect(bed.smtp.mailsTo('ann@invite.test')).toHaveLength(0);

    // Pending: the account cannot sign in (and has no password to sign in with).
    expectNoCode(await bed.signIn('ann@invite.test', PASSWORD));

    await bed.deliver();
    const [mail] = bed.smtp.mailsTo('ann@invite.test');
    expect(mail.subject).toBe('You are invited to Invite');
    expect(mail.html).toContain('Set your password');
    const link = linkIn(mail);
    expect(link.startsWith(`${bed.server.baseUrl}/t/invite/password/set?token=`)).toBe(true);
    expect(tokenOf(link)).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect((await bed.api('GET', `/mails?userId=${id}`)).json.mails[0]).toMatchObject({ status: 'sent', attempts: 1, lastError: null });

    const short = await setPassword(link, 'short');
    expect(short.status).toBe(400);
    expect(short.body).toContain('at least 8 characters');
    const done = await setPassword(link, PASSWORD);
    expect(done.status).toBe(200);
    const user = await bed.server.system.repos.users.findById(bed.orgId, id);
    expect(user).toMatchObject({ accountState: 'active', emailVerified: true });

    const signedIn = await bed.signIn('ann@invite.test', PASSWORD);
    const tokens = await bed.tokens(expectCode(signedIn), signedIn.verifier);
    expect(tokens.claims()!.sub).toBe(id);

    const actions = (await bed.server.system.repos.audit.listForOrganization(bed.orgId, 100)).filter((e) => e.targetId === id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.invited', 'user.password_set', 'user.activated', 'sign_in.succeeded']));
    const mailEvents = (await bed.server.system.repos.audit.listForOrganization(bed.orgId, 100)).filter((e) => e.action === 'mail.sent');
    expect(mailEvents.length).toBeGreaterThan(0);
  });

  it('sends the account-activated mail when the organization asks for it', async () => {
    expect((await bed.api('PATCH', '/settings', { sendActivationMail: true })).status).toBe(200);
    await invite('bea@invite.test');
    await bed.deliver();
    expect((await setPassword(linkIn(bed.smtp.mailsTo('bea@invite.test')[0]), PASSWORD)).status).toBe(200);
    await bed.deliver();
    const mails = bed.smtp.mailsTo('bea@invite.test');
    expect(mails.map((m) => m.subject)).toEqual(['You are invited to Invite', 'Your Invite account is ready']);
    await bed.api('PATCH', '/settings', { sendActivationMail: false });
  });

  it('lets exactly one of 20 parallel submissions of one link succeed', async () => {
    await invite('race@invite.test');
    await bed.deliver();
    const token = tokenOf(linkIn(bed.smtp.mailsTo('race@invite.test')[0]));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${bed.server.baseUrl}/t/invite/password/set`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, password: `racing passphrase ${i}`, confirm: `racing passphrase ${i}` }),
        }).then((r) => r.status),
      ),
    );
    expect(results.filter((s) => s === 200)).toHaveLength(1);
    expect(results.filter((s) => s === 410)).toHaveLength(19);
  });

  it('expires the link after the organization TTL, and the page offers a new link without saying who exists', async () => {
    expect((await bed.api('PATCH', '/settings', { invitationTtlSeconds: 300 })).status).toBe(200);
    const { id } = await invite('late@invite.test');
    await bed.deliver();
    const link = linkIn(bed.smtp.mailsTo('late@invite.test')[0]);
    clock.advance(301);
    const browser = new TestBrowser(bed.server.baseUrl);
    const expired = await browser.navigate(link);
    expect(expired.status).toBe(410);
    expect(expired.body).toContain('This link has expired');
    expect(expired.body).toContain('Send me a new link');

    const ask = (email: string) => submit(browser, new URL(formAction(expired.body), bed.server.baseUrl).href, { csrf: hiddenField(expired.body, 'csrf'), email });
    const known = await ask('late@invite.test');
    const unknown = await ask('nobody@invite.test');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toBe(known.body);

    await bed.deliver();
    const mails = bed.smtp.mailsTo('late@invite.test');
    expect(mails.map((m) => m.subject)).toEqual(['You are invited to Invite', 'Reminder: your invitation to Invite']);
    expect(bed.smtp.mailsTo('nobody@invite.test')).toHaveLength(0);
    expect((await setPassword(linkIn(mails[1]), PASSWORD)).status).toBe(200);
    expect((await bed.server.system.repos.users.findById(bed.orgId, id))?.accountState).toBe('active');
    await bed.api('PATCH', '/settings', { invitationTtlSeconds: 86400 });
  });

  it('resends with a new link that replaces the old one, and gives administrators an offline link', async () => {
    const { id } = await invite('again@invite.test');
    await bed.deliver();
    const first = linkIn(bed.smtp.mailsTo('again@invite.test')[0]);

    const resent = await bed.api('POST', `/users/${id}/invitation`, {});
    expect(resent.status).toBe(200);
    expect(resent.json).toMatchObject({ userId: id, delivery: 'email', mailId: expect.any(String) });
    expect(resent.json.link).toBeUndefined();
    await bed.deliver();
    const second = linkIn(bed.smtp.mailsTo('again@invite.test')[1]);
    expect(second).not.toBe(first);
    expect((await new TestBrowser(bed.server.baseUrl).navigate(first)).status).toBe(410);

    const offline = await bed.api('POST', `/users/${id}/invitation`, { delivery: 'link' });
    expect(offline.status).toBe(200);
    expect(offline.json.link).toMatch(/\/t\/invite\/password\/set\?token=/);
    await bed.deliver();
    expect(bed.smtp.mailsTo('again@invite.test')).toHaveLength(2); // nothing mailed for an offline link
    expect((await new TestBrowser(bed.server.baseUrl).navigate(second)).status).toBe(410);
    expect((await setPassword(offline.json.link, PASSWORD)).status).toBe(200);

    // Once accepted, there is nothing to resend.
    expect((await bed.api('POST', `/users/${id}/invitation`, {})).json.code).toBe('invitation.not_pending');
    const actions = (await bed.server.system.repos.audit.listForOrganization(bed.orgId, 200)).filter((e) => e.targetId === id).map((e) => e.action);
    expect(actions.filter((a) => a === 'user.invitation_resent')).toHaveLength(2);
  });

  it('creates an offline invitation through the management API', async () => {
    const created = await bed.api('POST', '/invitations', { email: 'Offline@Invite.test', givenName: 'Off', delivery: 'link' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ userName: 'offline@invite.test', delivery: 'link' });
    await bed.deliver();
    expect(bed.smtp.mailsTo('offline@invite.test')).toHaveLength(0);
    expect((await setPassword(created.json.link, PASSWORD)).status).toBe(200);
    expectCode(await bed.signIn('offline@invite.test', PASSWORD));

    const mailed = await bed.api('POST', '/invitations', { email: 'mailed@invite.test' });
    expect(mailed.status).toBe(201);
    expect(mailed.json.link).toBeUndefined();
    await bed.deliver();
    expect(bed.smtp.mailsTo('mailed@invite.test')).toHaveLength(1);
  });

  it('refuses management calls without the right scope', async () => {
    const res = await bed.server.app.inject({ method: 'GET', url: '/t/invite/api/server/v1/settings' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'auth.unauthorized', requestId: expect.any(String) });
  });
});
