// The Console's Settings page: self-registration and the password policy saved (and refused
// on the field when out of range), an email template edited, previewed, saved and reset, and
// the mail status; at desktop and phone widths, with no console errors.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, expectNoConsoleErrors, OWNER_PASSWORD, PHONE, screenshot, signInTo, startUiTestBed, type UiPage, type UiTestBed } from './harness.ts';

// Chromium reports the template's script that the preview frame's sandbox refused to run.
const SANDBOXED_SCRIPT = /Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed/;

// The page answers after its queries do: give them as long as any other step.
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000 });

describe.runIf(chromiumAvailable())('the Console settings page', () => {
  let bed: UiTestBed;
  let ui: UiPage;

  beforeAll(async () => {
    bed = await startUiTestBed();
    ui = await bed.newPage();
    // Fail on the step that waits, well before the test's own timeout.
    ui.page.setDefaultTimeout(10_000);
    await signInTo(ui.page, bed.consoleUrl, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => bed?.close());

  const settings = () => bed.server.system.services.settings.get(bed.organization.id);

  it('turns self-registration on and keeps it after a reload', async () => {
    const { page } = ui;
    await page.goto(`${bed.consoleUrl}settings`);
    const selfRegistration = page.getByRole('switch', { name: 'Let customers create their own accounts' });
    await poll(() => selfRegistration.isChecked()).toBe(false);
    // Until it is on, how accounts become active does not apply.
    expect(await page.getByRole('radio', { name: /immediately/i }).isDisabled()).toBe(true);
    await selfRegistration.click({ force: true });
    await page.getByRole('radio', { name: 'Immediately, without confirming the address' }).check({ force: true });
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved').waitFor();
    expect(await settings()).toMatchObject({ selfRegistrationEnabled: true, selfRegistrationActivateImmediately: true });

    await page.reload();
    await poll(() => page.getByRole('switch', { name: 'Let customers create their own accounts' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Immediately, without confirming the address' }).isChecked()).toBe(true);
    expectNoConsoleErrors(ui);
  });

  it('shows an out-of-range minimum password length on its field, and saves a good one', async () => {
    const { page } = ui;
    const minimum = page.getByRole('textbox', { name: /Minimum password length/ });
    await minimum.fill('5');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Enter a whole number of characters from 8 to 64.').waitFor();
    expect(await minimum.getAttribute('aria-invalid')).toBe('true');
    // The message is tied to the field for screen readers.
    const describedBy = (await minimum.getAttribute('aria-describedby')) ?? '';
    const descriptions = await Promise.all(describedBy.split(' ').filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(descriptions.join(' ')).toContain('Enter a whole number of characters from 8 to 64.');
    expect((await settings()).passwordMinLength).toBe(8);

    await minimum.fill('12');
    expect(await minimum.getAttribute('aria-invalid')).not.toBe('true');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await poll(async () => (await settings()).passwordMinLength).toBe(12);
    expectNoConsoleErrors(ui);
  });

  it('edits the invitation template, previews it, saves it and resets it to the default', async () => {
    const { page } = ui;
    const subject = page.getByRole('textbox', { name: 'Subject' });
    await poll(() => subject.inputValue()).toBe('You are invited to {{organizationName}}');
    await subject.fill('Welcome aboard {{organizationName}}, {{name}}');
    const html = page.getByRole('textbox', { name: 'HTML version' });
    await html.fill('<p style="color:#1f4fd1">Hello {{name}}, join <b>{{organizationName}}</b>: <a href="{{link}}">set a password</a></p><script>parent.postMessage("ran","*")</script>');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByText('Subject: Welcome aboard Acme, Alex Sample').waitFor();

    // The HTML is shown in a frame that runs no scripts, with the sample values filled in.
    const frame = page.locator('iframe[title="HTML preview of the mail"]');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await page.frameLocator('iframe[title="HTML preview of the mail"]').getByText('set a password').waitFor();
    expect(await page.frameLocator('iframe[title="HTML preview of the mail"]').locator('p').first().textContent()).toContain('Hello Alex Sample, join Acme');
    await page.getByRole('tab', { name: 'Text' }).click();
    await page.getByText('Hello Alex Sample,').first().waitFor();
    await page.getByRole('tab', { name: 'HTML' }).click();
    await screenshot(page, 'console-settings-template-preview');

    // An unknown placeholder is refused on the field it is in.
    await subject.fill('Hi {{nickname}}');
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByText(/subject uses the unknown placeholder \{\{nickname\}\}/).waitFor();
    expect(await subject.getAttribute('aria-invalid')).toBe('true');

    await subject.fill('Welcome aboard {{organizationName}}, {{name}}');
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByText('The Invitation mail was saved').waitFor();
    await page.getByText('Customized', { exact: true }).waitFor();
    expect((await bed.server.system.services.settings.getTemplate(bed.organization.id, 'invitation')).subject).toBe('Welcome aboard {{organizationName}}, {{name}}');

    await page.getByRole('button', { name: 'Reset to default' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset the Invitation mail to the default?' });
    await dialog.getByRole('button', { name: 'Reset to default' }).click();
    await page.getByText('The Invitation mail is back to the default').waitFor();
    await poll(() => subject.inputValue()).toBe('You are invited to {{organizationName}}');
    await page.getByText('Default', { exact: true }).waitFor();
    expect((await bed.server.system.services.settings.getTemplate(bed.organization.id, 'invitation')).customized).toBe(false);
    // The refused save answered 400, which Chromium logs.
    expectNoConsoleErrors(ui, [/400/, SANDBOXED_SCRIPT]);
  });

  it('shows where mail goes without any credential', async () => {
    const { page } = ui;
    await page.reload();
    await page.getByText('SMTP', { exact: true }).waitFor();
    await page.getByText(/Mails are sent through the SMTP server smtp:\/\/127\.0\.0\.1:\d+\./).waitFor();
    await page.getByText('Waiting to be sent').waitFor();
    await screenshot(page, 'console-settings');
    expectNoConsoleErrors(ui, [/400/, SANDBOXED_SCRIPT]);
  });

  it('works at phone width', async () => {
    // The same signed-in tab, narrowed: a second sign-in would test nothing new.
    const { page } = ui;
    await page.setViewportSize(PHONE);
    await page.goto(`${bed.consoleUrl}settings`);
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
    await page.getByRole('textbox', { name: 'Subject' }).waitFor();
    // Nothing is wider than the screen.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'console-settings-phone');
    expectNoConsoleErrors(ui, [/400/, SANDBOXED_SCRIPT]);
  });
});
