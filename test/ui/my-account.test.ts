// My Account in a real browser: a customer edits their name (the email stays read-only), sees
// their groups and the applications their groups allow, signs out another session, and changes
// their password (a wrong current password is refused on its field; the right one signs every
// other session out and keeps this browser's). At 1280 and at 390 px wide.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, DESKTOP, expectNoConsoleErrors, PHONE, screenshot, signInTo, startUiTestBed, submitSignIn, type UiTestBed } from './harness.ts';
import { createCustomer } from '../support/system.ts';
import { REDIRECT_URI } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const PASSWORD = 'plum-orbit-candle-42';
const NEW_PASSWORD = 'quiet-harbor-lantern-77';
const MIA = 'mia@acme.test';
const LEO = 'leo@acme.test';

/** A form field by its label (which Mantine may follow with a required-field asterisk). */
const field = (page: Page, label: string) => page.getByLabel(new RegExp(`^${label}( \\*)?$`));

/** The error message tied to a field (Mantine's `-error` element in its aria-describedby), or ''. */
async function fieldError(page: Page, label: string): Promise<string> {
  const ids = ((await field(page, label).getAttribute('aria-describedby')) ?? '').split(/\s+/).filter((id) => id.endsWith('-error'));
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

/** Lets a dialog finish its opening transition, so a screenshot shows it as a person sees it. */
const settled = (page: Page) => page.waitForTimeout(400);

/** No part of the page is wider than the viewport (nothing to scroll sideways to). */
async function expectNoSidewaysScroll(page: Page) {
  // A string runs in the page: the test code is type-checked without the DOM library.
  const widths = await page.evaluate<{ page: number; viewport: number }>('({ page: document.documentElement.scrollWidth, viewport: window.innerWidth })');
  expect(widths.page).toBeLessThanOrEqual(widths.viewport);
}

describe.runIf(chromiumAvailable())('My Account', () => {
  let bed: UiTestBed;
  let miaId: string;

  beforeAll(async () => {
    bed = await startUiTestBed();
    const { system, organization } = { system: bed.server.system, organization: bed.organization };
    const { groups, applications } = system.services;
    miaId = (await createCustomer(system, organization, MIA, PASSWORD, { givenName: 'Mia', familyName: 'Moe' })).id;
    await createCustomer(system, organization, LEO, PASSWORD, { givenName: 'Leo', familyName: 'Lind' });
    const gold = (await groups.createGroup(organization.id, { displayName: 'Gold', memberIds: [miaId] }, SYSTEM_CONTEXT)).group;
    await groups.createGroup(organization.id, { displayName: 'Beta testers', memberIds: [miaId] }, SYSTEM_CONTEXT);
    const staff = (await groups.createGroup(organization.id, { displayName: 'Staff' }, SYSTEM_CONTEXT)).group;
    const app = (name: string, allowedGroupIds: string[] = [], description?: string) =>
      applications.createApplication(organization.id, { name, type: 'spa', description, redirectUris: [REDIRECT_URI], allowedGroupIds }, SYSTEM_CONTEXT);
    await app('Shop', [], 'Orders and returns');
    await app('Gold lounge', [gold.id], 'Offers for Gold members');
    await app('Staff portal', [staff.id]);
    await applications.createApplication(organization.id, { name: 'Nightly sync', type: 'm2m', scopes: ['internal_user_mgt_list'] }, SYSTEM_CONTEXT);
  });
  afterAll(async () => bed?.close());

  it('edits the profile, shows groups and applications, signs out a session and changes the password (1280 px)', async () => {
    // A second browser signed in as Mia: a session to sign out from the first one.
    const other = await bed.newPage(DESKTOP);
    other.page.setDefaultTimeout(10_000);
    await signInTo(other.page, bed.myAccountUrl, MIA, PASSWORD);

    const ui = await bed.newPage(DESKTOP);
    const { page } = ui;
    page.setDefaultTimeout(10_000);
    await signInTo(page, bed.myAccountUrl, MIA, PASSWORD);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/t/acme/myaccount/profile');

    // Profile: the email is read-only and says why; the names are editable.
    await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
    const email = page.getByLabel('Email', { exact: true });
    expect(await email.inputValue()).toBe(MIA);
    expect(await email.getAttribute('readonly')).not.toBeNull();
    await page.getByText("Your email is your username in Acme, so it can't be changed").waitFor();
    expect(await page.getByLabel('First name').inputValue()).toBe('Mia');
    // Groups, read-only: listed, with nothing to change them.
    const groupList = page.getByRole('list', { name: 'Your groups' });
    expect(await groupList.getByRole('listitem').allTextContents()).toEqual(['Beta testers', 'Gold']);
    expect(await page.getByRole('region', { name: 'Groups' }).getByRole('button').count()).toBe(0);

    await page.getByLabel('First name').fill('Maya');
    await page.getByLabel('Last name').fill('Moe-Berg');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Profile saved').waitFor();
    const saved = (await bed.server.system.services.users.getUser(bed.organization.id, miaId)).user;
    expect([saved.givenName, saved.familyName]).toEqual(['Maya', 'Moe-Berg']);
    // The display name follows the names rather than keeping the old one.
    expect(saved.displayName ?? null).toBeNull();
    // So does the header, without signing in again.
    await page.getByRole('button', { name: 'Account menu for Maya Moe-Berg' }).waitFor();
    await page.reload();
    expect(await page.getByLabel('First name').inputValue()).toBe('Maya');
    await screenshot(page, 'myaccount-profile-desktop');

    // Applications: those Mia's groups allow, no more.
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
    const apps = page.getByRole('list', { name: 'Your applications' });
    await apps.waitFor();
    expect(await apps.getByRole('heading').allTextContents()).toEqual(['Gold lounge', 'Shop']);
    await page.getByText('Offers for Gold members').waitFor();
    expect(await page.getByRole('link', { name: 'Open Shop (opens in a new tab)' }).getAttribute('href')).toBe('http://127.0.0.1:9/');
    expect(await page.getByText('Staff portal').count()).toBe(0);
    await screenshot(page, 'myaccount-applications-desktop');

    // Sessions: two, this one marked; the other is signed out after a confirmation.
    await page.getByRole('link', { name: 'Security' }).click();
    const sessions = page.getByRole('list', { name: 'Your sessions' });
    await sessions.waitFor();
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(2);
    const current = sessions.getByRole('listitem').filter({ hasText: 'This session' });
    expect(await current.count()).toBe(1);
    await screenshot(page, 'myaccount-security-desktop');
    const otherSession = sessions.getByRole('listitem').filter({ hasNotText: 'This session' });
    await otherSession.getByRole('button', { name: 'Sign out' }).click();
    const confirm = page.getByRole('dialog', { name: 'Sign out this session?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Sign out session' }).click();
    await page.getByText('Session signed out').waitFor();
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(1);
    expect(await sessions.getByRole('listitem').first().textContent()).toContain('This session');
    // The other browser's sign-in is over: its next call needs a new sign-in.
    await other.page.reload();
    await other.page.waitForURL(/\/login\//);

    // Password: a wrong current password is refused on that field.
    await field(page, 'Current password').fill('not my password at all');
    await field(page, 'New password').fill(NEW_PASSWORD);
    await field(page, 'Confirm new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => fieldError(page, 'Current password')).toContain('The current password is incorrect');
    expect(await fieldError(page, 'New password')).toBe('');
    // A new password the policy refuses is refused on the new-password field.
    await field(page, 'Current password').fill(PASSWORD);
    await field(page, 'New password').fill('acme-and-more-words');
    await field(page, 'Confirm new password').fill('acme-and-more-words');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => fieldError(page, 'New password')).toContain('must not contain the organization name');
    expect(await fieldError(page, 'Current password')).toBe('');
    // Mismatched confirmation: caught before anything is sent.
    await field(page, 'New password').fill(NEW_PASSWORD);
    await field(page, 'Confirm new password').fill(`${NEW_PASSWORD}x`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => fieldError(page, 'Confirm new password')).toContain('do not match');
    await screenshot(page, 'myaccount-password-errors-desktop');

    // The right one: every other session ends, this browser's stays; the person is told and goes on.
    await field(page, 'Confirm new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    const changed = page.getByRole('dialog', { name: 'Password changed' });
    await changed.waitFor();
    expect(await changed.textContent()).toContain('every other session has been signed out; this browser stays signed in');
    await settled(page);
    await screenshot(page, 'myaccount-password-changed-desktop');
    await changed.getByRole('button', { name: 'Continue' }).click();
    // No password asked: the session the change was made from is kept.
    await page.waitForURL((url) => url.pathname === '/t/acme/myaccount/security');
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(1);
    await screenshot(page, 'myaccount-security-after-password-change-desktop');

    // Chromium logs each refused request; these were the expected refusals: the two refused
    // password changes here, and in the other browser its revoked token and refresh token.
    expectNoConsoleErrors(ui, [/status of 400/, /HTTP 400 PATCH .*\/scim2\/Me$/]);
    expectNoConsoleErrors(other, [/status of 40[01]/, /HTTP 401 GET .*\/scim2\/Me$/, /HTTP 400 POST .*\/oauth2\/token$/]);
  }, 120_000);

  it('works at 390 px: every page fits, the navigation folds into a menu; signing out this session leads to sign-in', async () => {
    const ui = await bed.newPage(PHONE);
    const { page } = ui;
    page.setDefaultTimeout(10_000);
    await page.goto(bed.myAccountUrl);
    await page.waitForURL(/\/login\//);
    await submitSignIn(page, LEO, PASSWORD);
    await page.waitForURL((url) => url.pathname === '/t/acme/myaccount/profile');
    await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
    await page.getByText('You are not in any groups.').waitFor();
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'myaccount-profile-phone');

    for (const [link, heading, name] of [
      ['Security', 'Security', 'myaccount-security-phone'],
      ['Applications', 'Applications', 'myaccount-applications-phone'],
    ] as const) {
      await page.getByRole('button', { name: 'Open navigation' }).click();
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      if (link === 'Security') await page.getByRole('list', { name: 'Your sessions' }).waitFor();
      if (link === 'Applications') await page.getByRole('list', { name: 'Your applications' }).waitFor();
      await expectNoSidewaysScroll(page);
      await screenshot(page, name);
    }
    // Leo is in no group: the open application only.
    expect(await page.getByRole('list', { name: 'Your applications' }).getByRole('heading').allTextContents()).toEqual(['Shop']);

    // Signing out the session in use warns first, then leads to the sign-in page.
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: /\(this session\)$/ }).click();
    const confirm = page.getByRole('dialog', { name: 'Sign out this session?' });
    await confirm.getByText('You will be signed out of My Account too').waitFor();
    await settled(page);
    await screenshot(page, 'myaccount-sign-out-this-session-phone');
    await confirm.getByRole('button', { name: 'Sign out session' }).click();
    await page.waitForURL(/\/login\//);
    await page.getByLabel('Email').waitFor();
    expectNoConsoleErrors(ui);
  }, 60_000);
});
