// The Console's Groups pages in a real browser: the owner creates a group, adds members found
// through the user search, removes one, renames the group, meets a taken name on the field, and
// deletes a group that restricts an application after being told what that does.

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
  type UiPage,
  type UiTestBed,
} from './harness.ts';
import { createCustomer } from '../support/system.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const PASSWORD = 'plum-orbit-candle-42';

/** The page is no wider than its viewport: nothing to scroll sideways on a phone. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = await page.evaluate<{ content: number; viewport: number }>('({ content: document.documentElement.scrollWidth, viewport: window.innerWidth })');
  expect(widths.content).toBeLessThanOrEqual(widths.viewport);
}

/** Closes the toasts a change leaves, so a screenshot shows the page rather than them. */
async function dismissNotifications(page: Page): Promise<void> {
  for (const button of await page.locator('.mantine-Notification-closeButton').all()) await button.click().catch(() => {});
  await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached' }).catch(() => {});
}

describe.runIf(chromiumAvailable())('Console: groups', () => {
  let bed: UiTestBed;
  let ui: UiPage;
  let page: Page;

  beforeAll(async () => {
    bed = await startUiTestBed();
    const { system } = bed.server;
    await createCustomer(system, bed.organization, 'ada@example.com', PASSWORD, { givenName: 'Ada', familyName: 'Lovelace' });
    await createCustomer(system, bed.organization, 'alan@example.com', PASSWORD, { givenName: 'Alan', familyName: 'Turing' });
    await createCustomer(system, bed.organization, 'grace@example.com', PASSWORD, { givenName: 'Grace', familyName: 'Hopper' });
    ui = await bed.newPage();
    page = ui.page;
    await signInTo(page, bed.consoleUrl, bed.ownerEmail, OWNER_PASSWORD);
    // A step that cannot happen fails in seconds with what it waited for, not at the test's timeout.
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => bed?.close());

  it('starts with an empty list that says what groups are for', async () => {
    await page.getByRole('navigation').getByText('Groups', { exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/t/acme/console/groups');
    await page.getByText('No groups yet').waitFor();
  });

  it('creates a group and opens its page', async () => {
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    // An empty name is refused on the field before anything is sent.
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.getByText('Enter a name for the group').waitFor();
    await dialog.getByLabel('Group name').fill('Beta testers');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'Beta testers', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/t\/acme\/console\/groups\/[\w-]+$/);
    await page.getByText('No members yet').waitFor();
  });

  it('adds members found through the user search, by name and by email', async () => {
    const picker = page.getByRole('combobox', { name: 'Find users' });
    await picker.fill('lovelace');
    await page.getByRole('option', { name: 'Ada Lovelace (ada@example.com)' }).click();
    await picker.fill('alan@');
    await page.getByRole('option', { name: 'Alan Turing (alan@example.com)' }).click();
    await page.getByRole('button', { name: 'Add 2 members' }).click();

    const members = page.getByRole('table', { name: 'Members of Beta testers' });
    await members.getByRole('row', { name: /Ada Lovelace ada@example\.com/ }).waitFor();
    await members.getByRole('row', { name: /Alan Turing alan@example\.com/ }).waitFor();
    await page.getByText('2 members', { exact: true }).waitFor();

    // Someone already in the group is offered, but cannot be picked again.
    await picker.fill('ada');
    await expect.poll(() => page.getByRole('option', { name: /Ada Lovelace.*already a member/ }).getAttribute('aria-disabled')).toBe('true');
    await picker.fill('');
    await page.keyboard.press('Escape');
    await dismissNotifications(page);
    await screenshot(page, 'console-group');
  });

  it('removes one member without touching the others', async () => {
    await page.getByRole('button', { name: 'Remove ada@example.com from Beta testers' }).click();
    const members = page.getByRole('table', { name: 'Members of Beta testers' });
    await members.getByRole('row', { name: /ada@example\.com/ }).waitFor({ state: 'detached' });
    await page.getByText('1 member', { exact: true }).waitFor();
    await members.getByRole('row', { name: /alan@example\.com/ }).waitFor();

    const group = (await bed.server.system.repos.groups.findByName(bed.organization.id, 'Beta testers'))!;
    expect(await bed.server.system.repos.groups.listMemberIds(bed.organization.id, group.id)).toHaveLength(1);
  });

  it('renames the group, refusing to overwrite a rename made meanwhile', async () => {
    await page.getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename group' });
    await dialog.getByLabel('Group name').fill('Early access');
    // Someone else renames it while the dialog is open: the If-Match of the page's version fails.
    const { system } = bed.server;
    const group = (await system.repos.groups.findByName(bed.organization.id, 'Beta testers'))!;
    await system.services.groups.updateGroup(bed.organization.id, group.id, { displayName: 'Beta crew' }, SYSTEM_CONTEXT);
    await dialog.getByRole('button', { name: 'Save name' }).click();
    await dialog.getByText('Someone else changed this group while you were editing it').waitFor();
    await page.getByRole('heading', { name: 'Beta crew', level: 1 }).waitFor();
    // Now based on the latest version, the same rename goes through.
    expect(await dialog.getByLabel('Group name').inputValue()).toBe('Early access');
    await dialog.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: 'Early access', level: 1 }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('shows a taken name on the name field', async () => {
    await page.getByRole('link', { name: 'All groups' }).click();
    await page.getByRole('link', { name: 'Early access' }).waitFor();
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    const name = dialog.getByLabel('Group name');
    // Names are unique regardless of case.
    await name.fill('EARLY ACCESS');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.getByText('A group with this name already exists in the organization').waitFor();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('lists and searches groups', async () => {
    const { system } = bed.server;
    for (const name of ['Wholesale buyers', 'Staff']) await system.services.groups.createGroup(bed.organization.id, { displayName: name }, SYSTEM_CONTEXT);
    await page.reload();
    await page.getByText('3 groups').waitFor();
    await dismissNotifications(page);
    await screenshot(page, 'console-groups');
    await page.getByLabel('Search groups').fill('whole');
    await page.getByText('1 group', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Wholesale buyers' }).waitFor();
    await page.getByLabel('Search groups').fill('nothing like this');
    await page.getByText('No group matches').waitFor();
    await page.getByLabel('Search groups').fill('');
  });

  it('deletes a group that restricts an application, after saying what happens', async () => {
    const { system } = bed.server;
    const orgId = bed.organization.id;
    const group = (await system.repos.groups.findByName(orgId, 'Early access'))!;
    const { application } = await system.services.applications.createApplication(
      orgId,
      { name: 'Beta portal', type: 'spa', redirectUris: ['https://beta.example/callback'], allowedGroupIds: [group.id] },
      SYSTEM_CONTEXT,
    );

    await page.getByRole('link', { name: 'Early access' }).click();
    await page.getByRole('button', { name: 'Delete group' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the group “Early access”?' });
    await dialog.getByText('Its members stay in the organization').waitFor();
    await dialog.getByText('This cannot be undone').waitFor();
    await dialog.getByText(/Beta portal \(no other group is allowed: nobody will be able to sign in/).waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete group' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('I understand that deleting this group cannot be undone').check();
    await confirm.click();

    await expect.poll(() => new URL(page.url()).pathname).toBe('/t/acme/console/groups');
    await page.getByText('2 groups').waitFor();
    expect(await page.getByRole('link', { name: 'Early access' }).count()).toBe(0);
    expect(await system.repos.groups.findById(orgId, group.id)).toBeUndefined();
    // The server keeps the application restricted, now to no group: nobody may sign in to it.
    const after = await system.services.applications.getApplication(orgId, application.id);
    expect(after.accessRestricted).toBe(true);
    expect(after.allowedGroupIds).toEqual([]);
  });

  // A second sign-in, on a machine that may be busy with other test runs: allow it time.
  it('works on a phone', { timeout: 60_000 }, async () => {
    const phone = await bed.newPage(PHONE);
    await signInTo(phone.page, `${bed.consoleUrl}groups`, bed.ownerEmail, OWNER_PASSWORD);
    phone.page.setDefaultTimeout(10_000);
    await phone.page.getByRole('link', { name: 'Staff' }).click();
    await phone.page.getByRole('heading', { name: 'Staff', level: 1 }).waitFor();
    await phone.page.getByRole('combobox', { name: 'Find users' }).fill('grace');
    await phone.page.getByRole('option', { name: 'Grace Hopper (grace@example.com)' }).click();
    await phone.page.getByRole('button', { name: 'Add member' }).click();
    await phone.page.getByRole('table', { name: 'Members of Staff' }).getByText('grace@example.com').waitFor();
    await expectNoSidewaysScroll(phone.page);
    await dismissNotifications(phone.page);
    await screenshot(phone.page, 'console-group-phone');
    expectNoConsoleErrors(phone);
  });

  it('logged no console errors beyond the refused duplicate name and the stale rename', () => {
    expectNoConsoleErrors(ui, [/HTTP 409 POST .*\/scim2\/Groups$/, /HTTP 412 PATCH .*\/scim2\/Groups\/[\w-]+(\?excludedAttributes=members)?$/, /status of (409|412)/]);
  });
});
