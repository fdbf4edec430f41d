// The guide's "Onboard a customer" and "Delete a customer" walkthroughs in a real browser: the
// owner signs in to the Console, Users > New User > Customer, and either invites the customer
// (the mail arrives, the customer sets a password on the hosted page and reaches My Account) or
// gives a temporary password (the first sign-in forces a change). Also the Users list's search
// and state filter, and deleting with the checkbox then Confirm. Screenshots at 1280 px and 390 px.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  chromiumAvailable,
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
import { linkIn } from '../support/smtp.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const PASSWORD = 'plum-orbit-candle-42';
const TEMPORARY_PASSWORD = 'violet-harbor-lantern-17';


describe.runIf(chromiumAvailable())('Console: onboarding and managing customers', { timeout: 60_000 }, () => {
  let bed: UiTestBed;
  let owner: UiPage;
  let page: Page;
  const groupIds: Record<string, string> = {};

  const orgId = () => bed.organization.id;
  const services = () => bed.server.system.services;
  const userNamed = async (email: string) => (await bed.server.system.repos.users.findByUserName(orgId(), email)) ?? null;

  /** The Users page, searched for `text` (through the address, as the search box leaves it). */
  async function openUsers(search?: string) {
    await page.goto(`${bed.consoleUrl}users${search ? `?q=${encodeURIComponent(search)}` : ''}`);
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('button', { name: 'New User' }).waitFor();
  }

  const row = (email: string) => page.getByRole('row').filter({ hasText: email });

  async function startNewCustomer() {
    await openUsers();
    await page.getByRole('button', { name: 'New User' }).click();
    await page.getByRole('menuitem', { name: 'Customer' }).click();
    await page.waitForURL(/\/console\/users\/new$/);
    await page.getByRole('textbox', { name: /Email \(username\)/ }).waitFor();
  }

  beforeAll(async () => {
    bed = await startUiTestBed();
    for (const name of ['Gold customers', 'Beta testers']) {
      groupIds[name] = (await services().groups.createGroup(orgId(), { displayName: name }, SYSTEM_CONTEXT)).group.id;
    }
    owner = await bed.newPage();
    page = owner.page;
    // A step that cannot happen fails with its own message, well before the test's timeout.
    page.setDefaultTimeout(10_000);
    await signInTo(page, bed.consoleUrl, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => bed?.close());

  it('onboards a customer by invitation: the summary offers the link, the mail carries it, and the customer reaches My Account', async () => {
    const email = 'mia.hart@example.test';
    await startNewCustomer();
    await page.getByRole('textbox', { name: /Email \(username\)/ }).fill('Mia.Hart@Example.test');
    await page.getByRole('textbox', { name: 'First Name' }).fill('Mia');
    await page.getByRole('textbox', { name: 'Last Name' }).fill('Hart');
    await expect.poll(() => page.getByRole('radio', { name: 'Invite user to set their own password' }).isChecked()).toBe(true);
    await expect.poll(() => page.getByText('This email address will be used as the username').isVisible()).toBe(true);
    await screenshot(page, 'users-new-details');
    await page.getByRole('button', { name: 'Next' }).click();

    // The organization has groups, so the groups step comes.
    await page.getByRole('checkbox', { name: 'Gold customers' }).check();
    await screenshot(page, 'users-new-groups');
    await page.getByRole('button', { name: 'Finish' }).click();

    await page.getByRole('heading', { name: 'Invitation sent' }).waitFor();
    const link = await page.getByRole('textbox', { name: 'Invitation link' }).inputValue();
    expect(link).toMatch(/\/t\/acme\/password\/set\?token=/);
    await page.getByRole('button', { name: 'Copy link' }).waitFor();
    await screenshot(page, 'users-new-summary');

    // One request made the customer and the membership; the mail carries the same link.
    const created = await userNamed(email);
    expect(created).toMatchObject({ accountState: 'pending', givenName: 'Mia', familyName: 'Hart', userType: 'customer' });
    expect((await services().users.getUser(orgId(), created!.id)).groups.map((g) => g.displayName)).toEqual(['Gold customers']);
    const mail = await bed.waitForMail(email);
    expect(linkIn(mail)).toBe(link);

    // The Users list shows the invitation as pending.
    await openUsers(email);
    await expect.poll(() => row(email).getByText('Pending invitation').isVisible()).toBe(true);

    // The customer, in a browser of their own, sets a password and signs in to My Account.
    const customer = await bed.newPage();
    await customer.page.goto(linkIn(mail));
    await customer.page.getByLabel('New password').fill(PASSWORD);
    await customer.page.getByLabel('Confirm password').fill(PASSWORD);
    await customer.page.getByRole('button', { name: 'Set password' }).click();
    await customer.page.getByText('Your password is set').waitFor();
    await signInTo(customer.page, bed.myAccountUrl, email, PASSWORD);
    await customer.page.getByRole('button', { name: /Account menu for (Mia Hart|mia\.hart@example\.test)/ }).waitFor();
    expectNoConsoleErrors(customer);

    await openUsers(email);
    await expect.poll(() => row(email).getByText('Active', { exact: true }).isVisible()).toBe(true);
    expectNoConsoleErrors(owner);
  });

  it('onboards a customer with a temporary password: listed as such, the first sign-in forces a change, then My Account', async () => {
    const email = 'tom.reed@example.test';
    await startNewCustomer();
    await page.getByRole('textbox', { name: /Email \(username\)/ }).fill(email);
    await page.getByRole('textbox', { name: 'First Name' }).fill('Tom');
    await page.getByRole('textbox', { name: 'Last Name' }).fill('Reed');
    await page.getByRole('radio', { name: 'Set a temporary password for the user' }).check();
    await page.getByRole('textbox', { name: 'Temporary password' }).fill(TEMPORARY_PASSWORD);
    await expect.poll(() => page.getByText(/At least 8 characters/).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('checkbox', { name: 'Beta testers' }).waitFor();
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByRole('heading', { name: 'Customer created' }).waitFor();
    await expect.poll(() => page.getByText('They must change it the first time they sign in').isVisible()).toBe(true);

    await openUsers(email);
    await expect.poll(() => row(email).getByText('Temporary password').isVisible()).toBe(true);

    const customer = await bed.newPage();
    await customer.page.goto(bed.myAccountUrl);
    await customer.page.waitForURL(/\/login\//);
    await submitSignIn(customer.page, email, TEMPORARY_PASSWORD);
    await customer.page.getByRole('heading', { name: 'Choose your own password' }).waitFor();
    await customer.page.getByLabel('New password').fill(PASSWORD);
    await customer.page.getByLabel('Confirm password').fill(PASSWORD);
    await customer.page.getByRole('button', { name: 'Change password' }).click();
    // The change finishes the sign-in: straight on to My Account.
    await customer.page.waitForURL((url) => url.href.startsWith(bed.myAccountUrl) && !url.pathname.endsWith('/callback'));
    await customer.page.getByRole('button', { name: /Account menu for (Tom Reed|tom\.reed@example\.test)/ }).waitFor();
    expectNoConsoleErrors(customer);

    await openUsers(email);
    await expect.poll(() => row(email).getByText('Active', { exact: true }).isVisible()).toBe(true);
    expectNoConsoleErrors(owner);
  });

  it('says on the field what is wrong before Next: an invalid email, a taken one, a password the policy refuses', async () => {
    await startNewCustomer();
    const emailBox = page.getByRole('textbox', { name: /Email \(username\)/ });
    await emailBox.fill('not-an-email');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Enter an email address like name@example.com').waitFor();
    expect(await emailBox.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.getAttribute("type")')).toBe('email');

    // Taken (here by the owner): found by a SCIM filter before anything is created, so no 409.
    await emailBox.fill('Owner@Acme.test');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('A user with this email already exists').waitFor();

    await emailBox.fill('lena.fox@example.test');
    await page.getByRole('radio', { name: 'Set a temporary password for the user' }).check();
    await page.getByRole('textbox', { name: 'Temporary password' }).fill('lena.fox-rocks-2026');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Password must not contain the email address').waitFor();
    await page.getByRole('textbox', { name: 'Temporary password' }).fill('acme-tower-lamp-9');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Password must not contain the organization name').waitFor();
    // A common password only the server knows: refused on Finish, and shown on the password field.
    await page.getByRole('textbox', { name: 'Temporary password' }).fill('password123');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByText('Password is too easy to guess').waitFor();
    await page.getByRole('textbox', { name: 'Temporary password' }).waitFor();
    expect(await userNamed('lena.fox@example.test')).toBeNull();
    await screenshot(page, 'users-new-errors');
    // Chromium logs the refused create (400) as a console error: that one is expected.
    expectNoConsoleErrors(owner, [/HTTP 400 POST .*\/scim2\/Users$/, /status of 400/]);
    owner.errors.length = 0;
  });

  it('searches the list by email or name and filters it by state and by group', async () => {
    const org = bed.organization;
    const ctx = SYSTEM_CONTEXT;
    await createCustomer(bed.server.system, org, 'zed.active@example.test', PASSWORD, { givenName: 'Zed', familyName: 'Active', groupIds: [groupIds['Beta testers']] });
    await services().users.createUser(org, { userName: 'zoe.pending@example.test', givenName: 'Zoe', familyName: 'Pending', askPassword: true }, ctx);
    await services().users.createUser(org, { userName: 'zack.locked@example.test', givenName: 'Zack', familyName: 'Locked', password: PASSWORD, locked: true }, ctx);
    await services().users.createUser(org, { userName: 'zara.temp@example.test', givenName: 'Zara', familyName: 'Quill', password: PASSWORD }, ctx);

    await openUsers();
    await page.getByRole('searchbox', { name: 'Search' }).fill('Quill');
    await expect.poll(() => page.getByRole('row').count()).toBe(2); // the header and Zara
    await expect.poll(() => row('zara.temp@example.test').getByText('Temporary password').isVisible()).toBe(true);
    expect(new URL(page.url()).searchParams.get('q')).toBe('Quill');

    await page.getByRole('searchbox', { name: 'Search' }).fill('example.test');
    await expect.poll(() => row('zoe.pending@example.test').isVisible()).toBe(true);
    await page.getByRole('combobox', { name: 'State', exact: true }).click();
    await page.getByRole('option', { name: 'Locked' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await expect.poll(() => row('zack.locked@example.test').getByText('Locked', { exact: true }).isVisible()).toBe(true);

    await page.getByRole('combobox', { name: 'State', exact: true }).click();
    await page.getByRole('option', { name: 'Pending invitation' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await expect.poll(() => row('zoe.pending@example.test').isVisible()).toBe(true);

    // The group filter: only Zed is in Beta testers.
    await openUsers();
    await page.getByRole('combobox', { name: 'Group', exact: true }).click();
    await page.getByRole('option', { name: 'Beta testers' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await expect.poll(() => row('zed.active@example.test').getByText('Beta testers').isVisible()).toBe(true);
    expect(new URL(page.url()).searchParams.get('group')).toBe(groupIds['Beta testers']);

    // Administrators are not customers: the owner is never listed here.
    await page.getByRole('searchbox', { name: 'Search' }).fill('owner@acme.test');
    await page.getByText('No customers match').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBeGreaterThanOrEqual(5); // the header and at least these four
    await expect.poll(() => page.getByText(/customers$/).first().isVisible()).toBe(true);
    await screenshot(page, 'users-list');

    const phone = await bed.newPage(PHONE);
    await signInTo(phone.page, `${bed.consoleUrl}users`, bed.ownerEmail, OWNER_PASSWORD);
    await phone.page.getByRole('heading', { name: 'Users' }).waitFor();
    await phone.page.getByRole('list', { name: 'Customers' }).waitFor();
    await expect.poll(() => phone.page.getByRole('listitem').filter({ hasText: 'zara.temp@example.test' }).getByText('Temporary password').isVisible()).toBe(true);
    // Nothing wider than the phone's screen.
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone.page, 'users-list-phone');
    await phone.page.getByRole('button', { name: 'New User' }).click();
    await phone.page.getByRole('menuitem', { name: 'Customer' }).click();
    await phone.page.getByRole('textbox', { name: /Email \(username\)/ }).waitFor();
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone.page, 'users-new-phone');
    expectNoConsoleErrors(phone);
    expectNoConsoleErrors(owner);
  });

  it('pages through the list with cursors, forwards and back, in pages of 25 or 50', async () => {
    for (let i = 1; i <= 27; i += 1) {
      const n = String(i).padStart(2, '0');
      await services().users.createUser(bed.organization, { userName: `pager${n}@paging.test`, givenName: 'Page', familyName: `Number ${n}` }, SYSTEM_CONTEXT);
    }
    await page.goto(`${bed.consoleUrl}users?q=paging.test&sort=email-asc`);
    await page.getByText('1–25 of 27 · page 1 of 2').waitFor();
    await expect.poll(() => page.getByRole('row').count()).toBe(26);
    expect(await page.getByRole('row').nth(1).textContent()).toContain('pager01@paging.test');
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('26–27 of 27 · page 2 of 2').waitFor();
    await expect.poll(() => page.getByRole('row').count()).toBe(3);
    expect(await page.getByRole('row').nth(1).textContent()).toContain('pager26@paging.test');
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('1–25 of 27 · page 1 of 2').waitFor();

    await page.getByRole('combobox', { name: 'Customers per page' }).click();
    await page.getByRole('option', { name: '50 per page' }).click();
    await page.getByText('1–27 of 27 · page 1 of 1').waitFor();
    await expect.poll(() => page.getByRole('row').count()).toBe(28);
    expectNoConsoleErrors(owner);
  });

  it('deletes a customer from the list: Delete, the checkbox, then Confirm', async () => {
    const email = 'gone.soon@example.test';
    const user = await createCustomer(bed.server.system, bed.organization, email, PASSWORD, { givenName: 'Gone', familyName: 'Soon' });
    await openUsers(email);
    await row(email).getByRole('button', { name: `Delete ${email}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete user' });
    await dialog.getByText('This action cannot be undone').waitFor();
    const confirm = dialog.getByRole('button', { name: 'Confirm' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('checkbox', { name: /I understand/ }).check();
    expect(await confirm.isEnabled()).toBe(true);
    await screenshot(page, 'users-delete-dialog');
    await confirm.click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('No customers match').waitFor();
    expect(await userNamed(email)).toBeNull();
    await expect(services().users.getUser(orgId(), user.id)).rejects.toMatchObject({ code: 'user.not_found' });
    expectNoConsoleErrors(owner);
  });
});
