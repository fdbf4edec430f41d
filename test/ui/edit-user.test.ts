// The Console's Edit user page in a real browser: the guide's "Assign groups" walkthrough (Manage >
// Users, Edit for the user, Groups, assign groups), the profile, locking, the invitation of an
// invited customer, and deleting from the danger zone. The owner signs in once; customers and
// groups are made beforehand through the services, and every change is checked on the server too.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  chromiumAvailable,
  DESKTOP,
  expectNoConsoleErrors,
  OWNER_PASSWORD,
  PHONE,
  screenshot,
  signInTo,
  startUiTestBed,
  submitSignIn,
  type UiPage,
  type UiTestBed,
} from './harness.ts';
import { createCustomer } from '../support/system.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const PASSWORD = 'plum-orbit-candle-42';


describe.runIf(chromiumAvailable())('Console: Edit user', () => {
  let bed: UiTestBed;
  let owner: UiPage;
  let page: Page;
  const groupIds: Record<string, string> = {};

  const orgId = () => bed.organization.id;
  const services = () => bed.server.system.services;
  const groupsOf = async (userId: string) => (await services().users.getUser(orgId(), userId)).groups.map((g) => g.displayName).sort();
  const openUser = async (id: string, tab?: string) => {
    await page.goto(`${bed.consoleUrl}users/${id}${tab ? `?tab=${tab}` : ''}`);
    await page.getByRole('tab', { name: 'Profile' }).waitFor();
  };

  beforeAll(async () => {
    bed = await startUiTestBed();
    for (const name of ['Gold customers', 'Silver customers', 'Beta testers']) {
      groupIds[name] = (await services().groups.createGroup(orgId(), { displayName: name }, SYSTEM_CONTEXT)).group.id;
    }
    owner = await bed.newPage(DESKTOP);
    page = owner.page;
    // A step that cannot happen fails with its locator, well before the test's own timeout.
    page.setDefaultTimeout(10_000);
    await signInTo(page, bed.consoleUrl, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => bed?.close());

  it('follows the guide: Manage > Users, Edit for the user, Groups, assign groups; then removes one', async () => {
    const ada = await createCustomer(bed.server.system, bed.organization, 'ada@example.com', PASSWORD, { givenName: 'Ada', familyName: 'Lovelace' });

    // 1. Manage > Users.  2. Edit for the user.
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    const row = page.getByRole('row').filter({ hasText: 'ada@example.com' });
    await row.getByRole('link', { name: /edit/i }).or(row.getByRole('button', { name: /edit/i })).first().click();
    await page.waitForURL(`**/users/${ada.id}**`);
    await expect.poll(() => page.getByRole('heading', { name: 'Ada Lovelace' }).isVisible()).toBe(true);

    // 3. Go to Groups and assign groups: searched on the server by name.
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByText('Not in any group').waitFor();
    const picker = page.getByRole('combobox', { name: 'Groups to assign' });
    await picker.click();
    await picker.fill('gold');
    await page.getByRole('option', { name: 'Gold customers' }).click();
    await picker.fill('silv');
    await page.getByRole('option', { name: 'Silver customers' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Assign groups' }).click();
    const table = page.getByRole('table', { name: 'Groups of this user' });
    await table.getByRole('link', { name: 'Silver customers' }).waitFor();
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    expect(await groupsOf(ada.id)).toEqual(['Gold customers', 'Silver customers']);

    // Groups the user is in are not offered again.
    await picker.click();
    await picker.fill('customers');
    await page.getByText(/No group named like “customers”/).waitFor();
    await picker.fill('');
    await page.getByRole('option', { name: 'Beta testers' }).waitFor();
    await page.keyboard.press('Escape');
    await screenshot(page, 'console-edit-user-groups');

    // Remove one.
    await page.getByRole('button', { name: 'Remove from Silver customers' }).click();
    await table.getByRole('link', { name: 'Silver customers' }).waitFor({ state: 'detached' });
    expect(await groupsOf(ada.id)).toEqual(['Gold customers']);
    expectNoConsoleErrors(owner);
  });

  it('edits the profile; the email is read-only with the reason; a change made meanwhile is not overwritten', async () => {
    const grace = await createCustomer(bed.server.system, bed.organization, 'grace@example.com', PASSWORD, { givenName: 'Grace', familyName: 'Hopper' });
    await openUser(grace.id);
    const email = page.getByRole('textbox', { name: 'Email (username)' });
    expect(await email.inputValue()).toBe('grace@example.com');
    expect(await email.getAttribute('readonly')).not.toBeNull();
    await page.getByText('The email is the username: it is unique in this organization and cannot be changed.').waitFor();
    await page.getByText('Active', { exact: true }).first().waitFor();
    const facts = page.locator('dl');
    expect(await facts.textContent()).toMatch(/Email verifiedNo/);

    await page.getByRole('textbox', { name: 'First name' }).fill('Amazing Grace');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved').waitFor();
    await page.getByRole('heading', { name: 'Amazing Grace Hopper' }).waitFor();
    expect((await services().users.getUser(orgId(), grace.id)).user.givenName).toBe('Amazing Grace');

    // Someone else renames her while the form is open: saving answers 412 and the form reloads.
    const current = await services().users.getUser(orgId(), grace.id);
    await services().users.replaceUser(bed.organization, grace.id, { ...attributesOf(current), familyName: 'Murray Hopper' }, SYSTEM_CONTEXT);
    await page.getByRole('textbox', { name: 'Last name' }).fill('Brewster');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Someone else changed this user').waitFor();
    await expect.poll(() => page.getByRole('textbox', { name: 'Last name' }).inputValue()).toBe('Murray Hopper');
    expect((await services().users.getUser(orgId(), grace.id)).user.familyName).toBe('Murray Hopper');
    await screenshot(page, 'console-edit-user-profile');

    const phone = await bed.newPage(PHONE);
    await signInTo(phone.page, `${bed.consoleUrl}users/${grace.id}`, bed.ownerEmail, OWNER_PASSWORD);
    await phone.page.getByRole('textbox', { name: 'First name' }).waitFor();
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone.page, 'console-edit-user-profile-phone');
    expectNoConsoleErrors(phone);
    expectNoConsoleErrors(owner, [/HTTP 412 PATCH .*\/scim2\/Users\//, /412 \(Precondition Failed\)/]);
    owner.errors.length = 0;
  });

  it('locks the account (the customer cannot sign in to My Account), then unlocks it', async () => {
    const alan = await createCustomer(bed.server.system, bed.organization, 'alan@example.com', PASSWORD, { givenName: 'Alan', familyName: 'Turing' });
    // Alan is signed in to My Account before the lock.
    const before = await bed.newPage(DESKTOP);
    await signInTo(before.page, bed.myAccountUrl, 'alan@example.com', PASSWORD);
    const stored = await before.page.evaluate<string | null>("sessionStorage.getItem('tessera:acme:myaccount:tokens')");
    const { accessToken } = JSON.parse(stored!) as { accessToken: string };
    const callMe = () => fetch(`${bed.baseUrl}/t/acme/scim2/Me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect((await callMe()).status).toBe(200);

    await openUser(alan.id, 'lock');
    await page.getByRole('button', { name: 'Lock account', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Lock Alan Turing’s account?' });
    await dialog.getByText('signed out of every application').waitFor();
    await dialog.getByRole('button', { name: 'Lock account', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Unlock account', exact: true }).waitFor();
    expect((await services().users.getUser(orgId(), alan.id)).user.accountState).toBe('locked');
    await screenshot(page, 'console-edit-user-lock');
    // Signed out at once: the token My Account holds no longer works.
    expect((await callMe()).status).toBe(401);

    // Meanwhile the hosted sign-in page turns the customer away.
    const customer = await bed.newPage(DESKTOP);
    await customer.page.goto(bed.myAccountUrl);
    await customer.page.waitForURL(/\/login\//);
    await submitSignIn(customer.page, 'alan@example.com', PASSWORD);
    await customer.page.getByText('This account is locked. Contact your administrator.').waitFor();
    expect(customer.page.url()).not.toContain('/myaccount/');

    await page.getByRole('button', { name: 'Unlock account', exact: true }).click();
    await page.getByRole('button', { name: 'Lock account', exact: true }).waitFor();
    expect((await services().users.getUser(orgId(), alan.id)).user.accountState).toBe('active');
    await submitSignIn(customer.page, 'alan@example.com', PASSWORD);
    await customer.page.waitForURL((url) => url.pathname.startsWith('/t/acme/myaccount/') && !url.pathname.endsWith('/callback'));
    expectNoConsoleErrors(owner);
  });

  it('shows an invited customer’s invitation mail, failed attempts with their reason, and resends it', async () => {
    const view = await services().users.createUser(bed.organization, { userName: 'invited@example.com', givenName: 'Ivy', askPassword: true }, SYSTEM_CONTEXT);
    const userId = view.user.id;
    await bed.waitForMail('invited@example.com');

    await openUser(userId);
    await page.getByRole('tab', { name: 'Invitation' }).click();
    await page.getByText('Last invitation mail').waitFor();
    await page.getByText('Sent', { exact: true }).waitFor();
    await page.getByText(/To invited@example\.com · Sent /).waitFor();

    // The mail server defers the resent mail (4xx): the page shows the attempt's reason.
    bed.smtp.refuseRecipients = 'Mailbox unavailable';
    bed.smtp.refuseCode = 451;
    await page.getByRole('button', { name: 'Resend invitation email' }).click();
    await page.getByText('A new invitation is on its way to invited@example.com').waitFor();
    await bed.server.system.mail.drain();
    await page.getByText(/Last attempt failed: .*Mailbox unavailable/).waitFor({ timeout: 10_000 });

    // The next attempt is refused for good (5xx, final at once): failed, with the reason.
    bed.smtp.refuseCode = 550;
    const [waiting] = (await bed.server.system.repos.outbox.list(orgId(), { userId, status: 'pending', limit: 5 }));
    await bed.server.system.database.db.updateTable('outbox').set({ next_attempt_at: new Date() }).where('id', '=', waiting.id).execute();
    await bed.server.system.mail.drain();
    await page.reload();
    await page.getByText('The invitation mail could not be delivered').waitFor();
    await page.getByRole('alert').filter({ hasText: 'Mailbox unavailable' }).waitFor();

    // Resend again, now that the mail server takes it.
    bed.smtp.refuseRecipients = undefined;
    await page.getByRole('button', { name: 'Resend invitation email' }).click();
    const mail = await bed.waitForMail('invited@example.com', 2);
    expect(mail.text).toContain('/password/set?token=');
    await page.getByText(/To invited@example\.com · Sent /).waitFor({ timeout: 10_000 });
    const history = page.getByRole('table', { name: 'Every invitation mail to this user, newest first' });
    await expect.poll(() => history.getByRole('row').count()).toBe(4);

    // Or a link to pass on by hand.
    await page.getByRole('button', { name: 'Get an invitation link' }).click();
    const link = page.getByRole('textbox', { name: 'Invitation link' });
    expect(await link.inputValue()).toMatch(/\/password\/set\?token=/);
    await screenshot(page, 'console-edit-user-invitation');

    // An active customer has no Invitation tab.
    const active = await createCustomer(bed.server.system, bed.organization, 'settled@example.com', PASSWORD);
    await openUser(active.id);
    expect(await page.getByRole('tab', { name: 'Invitation' }).count()).toBe(0);
    expectNoConsoleErrors(owner);
  });

  it('deletes from the danger zone: Delete, enable the checkbox, Confirm; then the page says the user no longer exists', async () => {
    const gone = await createCustomer(bed.server.system, bed.organization, 'leaving@example.com', PASSWORD, {
      givenName: 'Lea',
      familyName: 'Ving',
      groupIds: [groupIds['Beta testers']],
    });
    await openUser(gone.id);
    await page.getByRole('tab', { name: 'Danger zone' }).click();
    await page.getByText('This cannot be undone.').first().waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByText(/cannot be undone/i).first().waitFor();
    const confirm = dialog.getByRole('button', { name: 'Confirm' });
    expect(await confirm.isDisabled()).toBe(true);
    await screenshot(page, 'console-edit-user-danger-zone');
    await dialog.getByRole('checkbox').check();
    await confirm.click();
    await page.waitForURL((url) => url.pathname === '/t/acme/console/users');
    await expect(services().users.getUser(orgId(), gone.id)).rejects.toMatchObject({ code: 'user.not_found' });

    expect((await services().groups.getGroup(orgId(), groupIds['Beta testers'])).members).toEqual([]);

    // An old link to the user: the page says so.
    await page.goto(`${bed.consoleUrl}users/${gone.id}`);
    await page.getByText('This user no longer exists').waitFor();
    await page.getByRole('link', { name: 'Back to Users' }).waitFor();
    await screenshot(page, 'console-edit-user-not-found');
    expectNoConsoleErrors(owner, [new RegExp(`HTTP 404 GET .*/scim2/Users/${gone.id}`), /404 \(Not Found\)/]);
  });
});

/** What replaceUser takes, read from a user as the service returns it. */
function attributesOf(view: Awaited<ReturnType<UiTestBed['server']['system']['services']['users']['getUser']>>) {
  const { user, emails } = view;
  return {
    userName: user.userName,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName ?? null,
    externalId: user.externalId ?? null,
    emails,
    enterprise: user.enterprise ?? null,
    active: user.accountState !== 'disabled',
    locked: user.accountState === 'locked',
    emailVerified: user.emailVerified,
  };
}
