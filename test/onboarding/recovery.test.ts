// Forgot password end to end: the link on the sign-in page, the same answer for every address,
// the mail, the reset page, the new password, every other session and refresh token ended, the
// link single-use and expiring, and rate limits per address and per client.

import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { countingHasher, OWNER_PASSWORD } from '../support/system.ts';
import { linkIn } from '../support/smtp.ts';
import { createOnboardingBed, expectCode, expectNoCode, hiddenField, submit, TestClock, type OnboardingBed } from './support.ts';

const NEW_PASSWORD = 'a brand new passphrase';

describe('forgot password', () => {
  const clock = new TestClock();
  const counting = countingHasher();
  let bed: OnboardingBed;
  let owner: string;

  beforeAll(async () => {
    bed = await createOnboardingBed('help', { clock, hasher: counting.hasher });
    owner = bed.scim.owner.userName;
  });
  afterAll(() => bed.close());

  const url = (path: string) => `${bed.server.baseUrl}/t/help${path}`;

  async function ask(email: string, browser = new TestBrowser(bed.server.baseUrl)) {
    const page = await browser.navigate(url('/password/forgot'));
    expect(page.status).toBe(200);
    return submit(browser, url('/password/forgot'), { csrf: hiddenField(page.body, 'csrf'), email });
  }

  it('resets through the mailed link and ends every other session and refresh token', async () => {
    const before = await bed.signIn(owner, OWNER_PASSWORD);
    const tokens = await bed.tokens(expectCode(before), before.verifier);
    expect(tokens.refresh_token).toBeTruthy();

    const signInPage = await bed.signIn(owner, 'wrong passphrase here');
    // The link carries the way back to this sign-in page (issue 14 item 7).
    expect(signInPage.body).toMatch(/href="\/t\/help\/password\/forgot\?return=%2Ft%2Fhelp%2Flogin%2F[A-Za-z0-9_-]+"/);

    const answer = await ask(owner);
    expect(answer.status).toBe(200);
    await bed.deliver();
    const mail = bed.smtp.mailsTo(owner).at(-1)!;
    expect(mail.subject).toBe('Reset your Help password');
    const browser = new TestBrowser(bed.server.baseUrl);
    const page = await browser.navigate(linkIn(mail));
    expect(page.status).toBe(200);
    const done = await submit(browser, url('/password/reset'), { token: hiddenField(page.body, 'token'), password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.status).toBe(200);
    // The page leads on to where this person signs in.
    expect(done.body).toMatch(/href="\/t\/[a-z0-9-]+\/(myaccount|console)\/"/);

    await expect(client.refreshTokenGrant(bed.rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The session the old password opened is gone: the browser must sign in again.
    const again = await bed.signIn(owner, NEW_PASSWORD, before.browser);
    expectCode(again);
    expectNoCode(await bed.signIn(owner, OWNER_PASSWORD));

    // Single use.
    const reused = await submit(browser, url('/password/reset'), { token: hiddenField(page.body, 'token'), password: 'yet another passphrase', confirm: 'yet another passphrase' });
    expect(reused.status).toBe(410);
    const actions = (await bed.server.system.repos.audit.listForOrganization(bed.orgId, 100)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.password_reset_requested', 'user.password_reset', 'mail.sent']));
  });

  it('answers an unknown address exactly as a known one, with the same hashing work, and mails nobody', async () => {
    // Whatever earlier tests queued (the notice of the reset above) goes first.
    await bed.deliver();
    const sentBefore = bed.smtp.received.length;
    const hashes = counting.counts.hash + counting.counts.verify;
    const known = await ask(owner);
    const afterKnown = counting.counts.hash + counting.counts.verify;
    const unknown = await ask('nobody@help.test');
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toBe(known.body);
    expect(afterKnown - hashes).toBe(counting.counts.hash + counting.counts.verify - afterKnown);
    await bed.deliver();
    expect(bed.smtp.received.length).toBe(sentBefore + 1);
    expect(bed.smtp.mailsTo('nobody@help.test')).toHaveLength(0);
  });

  it('expires the reset link after an hour', async () => {
    await ask(owner);
    await bed.deliver();
    const link = linkIn(bed.smtp.mailsTo(owner).at(-1)!);
    clock.advance(3601);
    const page = await new TestBrowser(bed.server.baseUrl).navigate(link);
    expect(page.status).toBe(410);
    expect(page.body).toContain('expired');
  });

  it('limits requests per address and per client, alike for known and unknown addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await ask('limited@help.test')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // Per client: 50 requests in the window, whatever the addresses (this file has used 8 already).
    const many: number[] = [];
    for (let i = 0; i < 45; i += 1) many.push((await ask(`spray${i}@help.test`)).status);
    expect(many.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(many.at(-1)).toBe(429);
  });
});
