// Bulk actions in the Console's Users list, in Chromium: ticked rows added to a group, every
// customer a search matches (beyond the page) locked, and a delete confirmed with the checkbox
// and the count; each runs as a background job whose progress the page shows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, expectNoConsoleErrors, OWNER_PASSWORD, signInTo, startUiTestBed, type UiPage, type UiTestBed } from './harness.ts';
import { createCustomer } from '../support/system.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const PASSWORD = 'correct horse battery staple';

describe.runIf(chromiumAvailable())('Console bulk actions', () => {
  let bed: UiTestBed;
  let ui: UiPage;

  beforeAll(async () => {
    bed = await startUiTestBed();
    bed.server.system.jobs.start();
    const { system } = bed.server;
    await system.services.groups.createGroup(bed.organization.id, { displayName: 'Gold customers' }, SYSTEM_CONTEXT);
    for (let i = 0; i < 30; i++) await createCustomer(system, bed.organization, `batch${String(i).padStart(2, '0')}@example.com`, PASSWORD, { givenName: 'Batch', familyName: `Member ${i}` });
    for (const name of ['ada', 'grace']) await createCustomer(system, bed.organization, `${name}@example.com`, PASSWORD, { givenName: name, familyName: 'Solo' });
    ui = await bed.newPage();
    ui.page.setDefaultTimeout(15_000);
    await signInTo(ui.page, `${bed.consoleUrl}users`, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => bed?.close());

  const stateOf = async (userName: string) => (await bed.server.system.repos.users.findByUserName(bed.organization.id, userName))!.accountState;

  it('adds the ticked customers to a group', async () => {
    const { page } = ui;
    await page.goto(`${bed.consoleUrl}users?q=solo`);
    await page.getByText('2 customers match').waitFor();
    await page.getByRole('checkbox', { name: 'Select ada@example.com' }).check();
    await page.getByRole('checkbox', { name: 'Select grace@example.com' }).check();
    await page.getByText('2 customers selected').waitFor();
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Add to group…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Group').click();
    await page.getByRole('option', { name: 'Gold customers' }).click();
    await dialog.getByRole('button', { name: 'Add to the group' }).click();
    await page.getByText('Add to the group: finished').waitFor();
    await page.getByText('2 of 2 customers done (2 done)').waitFor();
    // The list shows the new memberships.
    await page.getByRole('row', { name: /ada@example\.com/ }).getByText('Gold customers').waitFor();
    expectNoConsoleErrors(ui);
  });

  it('locks every customer a search matches, beyond the page shown', async () => {
    const { page } = ui;
    await page.goto(`${bed.consoleUrl}users?q=batch`);
    await page.getByText('30 customers match').waitFor();
    await page.getByRole('checkbox', { name: 'Select every customer on this page' }).check();
    await page.getByText('25 customers selected').waitFor();
    await page.getByRole('button', { name: 'Select all 30 customers matching' }).click();
    await page.getByText('30 customers selected').waitFor();
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Lock', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByText('Lock: finished').waitFor();
    await page.getByText('30 of 30 customers done (30 done)').waitFor();
    expect(await stateOf('batch29@example.com')).toBe('locked');
    expect(await stateOf('ada@example.com')).toBe('active');
    expectNoConsoleErrors(ui);
  });

  it('deletes the chosen customers only after the checkbox that names the count', async () => {
    const { page } = ui;
    await page.goto(`${bed.consoleUrl}users?q=solo`);
    await page.getByText('2 customers match').waitFor();
    await page.getByRole('checkbox', { name: 'Select every customer on this page' }).check();
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete 2 customers' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('checkbox', { name: 'I understand that 2 customers will be deleted permanently' }).check();
    await confirm.click();
    await page.getByText('Delete: finished').waitFor();
    await page.getByText('No customers match').waitFor();
    expect(await bed.server.system.repos.users.findByUserName(bed.organization.id, 'ada@example.com')).toBeUndefined();
    expectNoConsoleErrors(ui);
  });
});
