// The Console's Administrators page: the owner invites an administrator with a link to copy and
// removes them after confirming; an administrator who is not the owner sees the list read-only.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, expectNoConsoleErrors, OWNER_PASSWORD, screenshot, signInTo, startUiTestBed, type UiPage, type UiTestBed } from './harness.ts';

const ADMIN_PASSWORD = 'plum-orbit-candle-42';

// The page answers after its queries do: give them as long as any other step.
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000 });

describe.runIf(chromiumAvailable())('the Console administrators page', () => {
  let bed: UiTestBed;
  let owner: UiPage;

  beforeAll(async () => {
    bed = await startUiTestBed();
    owner = await bed.newPage();
    owner.page.setDefaultTimeout(10_000);
    await owner.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: bed.baseUrl });
    await signInTo(owner.page, `${bed.consoleUrl}administrators`, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => bed?.close());

  const administrators = () => bed.server.system.services.administrators.listAdministrators(bed.organization.id);

  it('lists the owner, who invites an administrator with a link to copy', async () => {
    const { page } = owner;
    const ownerRow = page.getByRole('row').filter({ hasText: bed.ownerEmail });
    await ownerRow.getByText('Owner', { exact: true }).waitFor();
    await ownerRow.getByText('(you)').waitFor();
    // Nobody removes the owner: there is no button for it.
    expect(await ownerRow.getByRole('button').count()).toBe(0);

    await page.getByRole('button', { name: 'Invite administrator' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite an administrator' });
    // An address is required, and said so on its field.
    await dialog.getByRole('button', { name: 'Invite administrator' }).click();
    await dialog.getByText('Enter the email address of the person to invite.').waitFor();
    await dialog.getByRole('textbox', { name: 'Email' }).fill('ada@acme.test');
    await dialog.getByRole('textbox', { name: 'First name' }).fill('Ada');
    await dialog.getByRole('textbox', { name: 'Last name' }).fill('Lovelace');
    await dialog.getByRole('radio', { name: 'Give me a link to pass on myself' }).check();
    await dialog.getByRole('button', { name: 'Invite administrator' }).click();

    const invited = page.getByRole('dialog', { name: 'Administrator invited' });
    const linkField = invited.getByRole('textbox', { name: 'Invitation link' });
    await poll(() => linkField.inputValue()).toMatch(/\/t\/acme\/password\/set\?token=/);
    const link = await linkField.inputValue();
    await invited.getByRole('button', { name: 'Copy link' }).click();
    await invited.getByRole('button', { name: 'Link copied' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(link);
    await screenshot(page, 'console-administrators-invited');
    await invited.getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('row').filter({ hasText: 'ada@acme.test' });
    await row.getByText('Ada Lovelace').waitFor();
    await row.getByText('Administrator', { exact: true }).waitFor();
    await row.getByText('Invited').waitFor();
    expect((await administrators()).map((a) => [a.userName, a.adminRole, a.accountState])).toEqual([
      ['owner@acme.test', 'owner', 'active'],
      ['ada@acme.test', 'admin', 'pending'],
    ]);

    // Ada sets her password through the link and sees the list read-only.
    const ada = await bed.newPage();
    ada.page.setDefaultTimeout(10_000);
    await ada.page.goto(link);
    await ada.page.getByLabel('New password').fill(ADMIN_PASSWORD);
    await ada.page.getByLabel('Confirm password').fill(ADMIN_PASSWORD);
    await ada.page.getByRole('button', { name: 'Set password' }).click();
    await ada.page.waitForLoadState();
    await signInTo(ada.page, `${bed.consoleUrl}administrators`, 'ada@acme.test', ADMIN_PASSWORD);
    await ada.page.getByText('Only the organization’s owner invites and removes administrators.').waitFor();
    await ada.page.getByRole('row').filter({ hasText: 'ada@acme.test' }).getByText('(you)').waitFor();
    expect(await ada.page.getByRole('button', { name: 'Invite administrator' }).count()).toBe(0);
    expect(await ada.page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    await screenshot(ada.page, 'console-administrators-read-only');
    expectNoConsoleErrors(ada);
    expectNoConsoleErrors(owner);
  });

  it('the owner removes an administrator after confirming', async () => {
    const { page } = owner;
    await page.reload();
    await page.getByRole('row').filter({ hasText: 'ada@acme.test' }).getByText('Active').waitFor();
    await page.getByRole('button', { name: 'Remove ada@acme.test' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove ada@acme.test?' });
    const confirm = dialog.getByRole('button', { name: 'Remove administrator' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('checkbox', { name: 'I understand that this account will be deleted' }).check();
    await confirm.click();
    await page.getByText('ada@acme.test is no longer an administrator').waitFor();
    await poll(() => page.getByRole('row').filter({ hasText: 'ada@acme.test' }).count()).toBe(0);
    expect((await administrators()).map((a) => a.userName)).toEqual(['owner@acme.test']);
    expectNoConsoleErrors(owner);
  });

  it('the owner invites an administrator by mail', async () => {
    const { page } = owner;
    await page.getByRole('button', { name: 'Invite administrator' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite an administrator' });
    await dialog.getByRole('textbox', { name: 'Email' }).fill('grace@acme.test');
    await dialog.getByRole('textbox', { name: 'First name' }).fill('Grace');
    // Mailing the invitation is the default.
    expect(await dialog.getByRole('radio', { name: 'Mail them an invitation to set a password' }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Invite administrator' }).click();
    await page.getByText('Invitation mailed to grace@acme.test').waitFor();
    // The dialog closes with an animation; its button shares the page button's name meanwhile.
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('row').filter({ hasText: 'grace@acme.test' }).getByText('Invited').waitFor();
    const mail = await bed.waitForMail('grace@acme.test');
    expect(mail.subject).toBe('You are invited to Acme');

    // The same address again is refused on the email field.
    await page.getByRole('button', { name: 'Invite administrator' }).click();
    await dialog.getByRole('textbox', { name: 'Email' }).fill('grace@acme.test');
    await dialog.getByRole('button', { name: 'Invite administrator' }).click();
    await dialog.getByText('Someone in this organization already has this email address.').waitFor();
    expect(await dialog.getByRole('textbox', { name: 'Email' }).getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await screenshot(page, 'console-administrators');
    // The refused invitation answered 409, which Chromium logs.
    expectNoConsoleErrors(owner, [/\b409\b/]);
  });
});
