// The Console helping a stuck customer in a real browser (issue 14 item 8): the Edit page shows
// a lockout by failed sign-ins (from where, until when) and clears it; the Sign-in tab lists the
// customer's sessions with device, browser and address and ends one; "Send password reset"
// mails the reset link, which arrives at the test SMTP server. Each is checked on the server too.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, DESKTOP, expectNoConsoleErrors, OWNER_PASSWORD, PHONE, screenshot, signInTo, startUiTestBed, type UiPage, type UiTestBed } from './harness.ts';
import { createCustomer } from '../support/system.ts';
import { linkIn } from '../support/smtp.ts';
import { SIGN_IN_LIMITS } from '../../src/services/sign-in-limits.ts';

const PASSWORD = 'plum-orbit-candle-42';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36';

describe.runIf(chromiumAvailable())('Console: helping a customer sign in', () => {
  let bed: UiTestBed;
  let owner: UiPage;
  let page: Page;
  let cyId: string;

  const orgId = () => bed.organization.id;
  const services = () => bed.server.system.services;

  beforeAll(async () => {
    bed = await startUiTestBed();
    cyId = (await createCustomer(bed.server.system, bed.organization, 'cy@example.com', PASSWORD, { givenName: 'Cy', familyName: 'Young' })).id;
    owner = await bed.newPage(DESKTOP);
    page = owner.page;
    page.setDefaultTimeout(10_000);
    await signInTo(page, bed.consoleUrl, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => bed?.close());

  it('shows the lockout by failed sign-ins with its address and end, and clears it', async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.accountFromAddress.limit; i += 1) {
      await services().signIn.authenticate(orgId(), 'cy@example.com', `wrong ${i}`, { actor: { type: 'anonymous' }, clientIp: '198.51.100.23' });
    }
    await page.goto(`${bed.consoleUrl}users/${cyId}`);
    const alert = page.getByRole('region', { name: 'Sign-in lockout' });
    await alert.getByText('Locked out by failed sign-ins').waitFor();
    await alert.getByText(/refused from 198\.51\.100\.23 until/).waitFor();
    await screenshot(page, 'console-user-sign-in-lockout');

    await alert.getByRole('button', { name: 'Clear lockout' }).click();
    await page.getByText('Cy Young can sign in again').waitFor();
    await alert.waitFor({ state: 'detached' });
    expect((await services().accountSupport.lockoutStatus(orgId(), cyId)).locked).toBe(false);
    const signIn = await services().signIn.authenticate(orgId(), 'cy@example.com', PASSWORD, { actor: { type: 'anonymous' }, clientIp: '198.51.100.23' });
    expect(signIn.outcome).toBe('success');
    expectNoConsoleErrors(owner);
  });

  it("lists the customer's sessions with device, browser and address, and ends one", async () => {
    // The customer signs in to My Account from their own browser.
    const context = await bed.browser.newContext({ viewport: DESKTOP, userAgent: CHROME, reducedMotion: 'reduce' });
    try {
      const customer = await context.newPage();
      await signInTo(customer, bed.myAccountUrl, 'cy@example.com', PASSWORD);
    } finally {
      await context.close();
    }
    await page.goto(`${bed.consoleUrl}users/${cyId}?tab=sign-in`);
    const list = page.getByRole('list', { name: 'Sessions of this user' });
    const item = list.getByRole('listitem').filter({ hasText: 'Chrome 131 on Linux' });
    await item.getByText('Address: 127.0.0.1').waitFor();
    await item.getByText(/last seen/).waitFor();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    await screenshot(page, 'console-user-sessions');

    await item.getByRole('button', { name: /^End the session Chrome 131 on Linux/ }).click();
    const dialog = page.getByRole('dialog', { name: 'End this session?' });
    await dialog.getByRole('button', { name: 'End session' }).click();
    await page.getByText('No active sessions').waitFor();
    expect(await services().sessions.listUserSessions(orgId(), cyId)).toEqual([]);
    expectNoConsoleErrors(owner);
  });

  it('sends a password reset whose mail arrives with the reset link', async () => {
    await page.goto(`${bed.consoleUrl}users/${cyId}?tab=sign-in`);
    await page.getByRole('button', { name: 'Send password reset' }).click();
    await page.getByText('A password-reset link is on its way to cy@example.com').waitFor();
    const mail = await bed.waitForMail('cy@example.com');
    expect(linkIn(mail)).toMatch(/\/t\/acme\/password\/reset\?token=/);
    const [event] = await bed.server.system.repos.audit.search(orgId(), { action: 'user.password_reset_sent', targetId: cyId, limit: 1 });
    expect(event).toMatchObject({ actorType: 'user', targetId: cyId });
    expectNoConsoleErrors(owner);
  });

  it('fits the Sign-in tab on a phone', async () => {
    const phone = await bed.newPage(PHONE);
    await signInTo(phone.page, bed.consoleUrl, bed.ownerEmail, OWNER_PASSWORD);
    await phone.page.goto(`${bed.consoleUrl}users/${cyId}?tab=sign-in`);
    await phone.page.getByRole('button', { name: 'Send password reset' }).waitFor();
    const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone.page, 'console-user-sign-in-phone');
    expectNoConsoleErrors(phone);
  });
});
