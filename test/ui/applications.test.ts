// The Console's Applications pages in a real browser: the built-in apps shown but fixed, an SPA
// registered with a redirect URI (a bad one refused on its field, by the page and by the
// server), its client id copied, its access restricted to a group; a web application's secret
// shown once and rotated; an application deleted.

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
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { sha256Hex } from '../../src/security/tokens.ts';

/** Closes the toasts a change leaves, so a screenshot shows the page rather than them. */
async function dismissNotifications(page: Page): Promise<void> {
  for (const button of await page.locator('.mantine-Notification-closeButton').all()) await button.click().catch(() => {});
  await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached' }).catch(() => {});
}

describe.runIf(chromiumAvailable())('Console: applications', () => {
  let bed: UiTestBed;
  let ui: UiPage;
  let page: Page;
  let orgId: string;

  const findApp = async (name: string) => (await bed.server.system.services.applications.listApplications(orgId)).find((a) => a.name === name);

  beforeAll(async () => {
    bed = await startUiTestBed();
    orgId = bed.organization.id;
    await bed.server.system.services.groups.createGroup(orgId, { displayName: 'Wholesale buyers' }, SYSTEM_CONTEXT);
    ui = await bed.newPage();
    page = ui.page;
    await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: bed.baseUrl });
    await signInTo(page, `${bed.consoleUrl}applications`, bed.ownerEmail, OWNER_PASSWORD);
    // A step that cannot happen fails in seconds with what it waited for, not at the test's timeout.
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => bed?.close());

  it('lists the built-in Console and My Account, marked and not editable', async () => {
    const table = page.getByRole('table', { name: 'Applications' });
    await table.getByRole('row', { name: /Console Built-in/ }).waitFor();
    await table.getByRole('row', { name: /My Account Built-in/ }).waitFor();
    await page.getByText('No applications registered yet').waitFor();

    await table.getByRole('link', { name: 'Console' }).click();
    await page.getByRole('heading', { name: 'Console', level: 1 }).waitFor();
    await page.getByText('Managed by Tessera').waitFor();
    await page.getByText("Only the organization's owner and administrators may sign in to the Console").waitFor();
    expect(await page.getByRole('button', { name: /Save|Delete|Rotate/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'All applications' }).click();
  });

  it('registers a single-page application, refusing a bad redirect URI on its field', async () => {
    await page.getByRole('button', { name: 'Register application' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register an application' });
    await dialog.getByText('It cannot keep a secret').waitFor();
    await dialog.getByRole('radio', { name: 'Single-page application' }).check();
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Storefront');
    const redirects = dialog.getByRole('textbox', { name: 'Redirect URIs', exact: true });

    // Checked in the page, the way the server checks it...
    await redirects.fill('storefront.example/callback');
    await dialog.getByRole('button', { name: 'Register application' }).click();
    await dialog.getByText('“storefront.example/callback” is not an absolute URI').waitFor();
    expect(await redirects.getAttribute('aria-invalid')).toBe('true');

    // ...and what only the server refuses also lands on the field, in words.
    await redirects.fill(`https://storefront.example/${'x'.repeat(2100)}`);
    await dialog.getByRole('button', { name: 'Register application' }).click();
    await dialog.getByText('Too long (line 1): at most 2048 characters').waitFor();
    expect(await redirects.getAttribute('aria-invalid')).toBe('true');

    await redirects.fill('https://storefront.example/callback\nhttps://storefront.example/callback-2');
    await dialog.getByRole('button', { name: 'Register application' }).click();
    await page.getByRole('heading', { name: 'Storefront', level: 1 }).waitFor();

    const app = (await findApp('Storefront'))!;
    expect(app).toMatchObject({ type: 'spa', hasSecret: false, redirectUris: ['https://storefront.example/callback', 'https://storefront.example/callback-2'] });
    expect(new URL(page.url()).pathname).toBe(`/t/acme/console/applications/${app.id}`);
  });

  it('copies the client id', async () => {
    const app = (await findApp('Storefront'))!;
    await page.getByRole('button', { name: 'Copy client ID', exact: true }).click();
    await page.getByRole('button', { name: 'client ID copied' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(app.id);
  });

  it('edits the post-logout URIs', async () => {
    await page.getByRole('textbox', { name: 'Post-logout redirect URIs' }).fill('https://storefront.example/');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await findApp('Storefront'))!.postLogoutRedirectUris).toEqual(['https://storefront.example/']);
    await page.getByRole('button', { name: 'Save changes' }).and(page.locator(':disabled')).waitFor();
  });

  it('edits the allowed origins, refusing one with a path on its field', async () => {
    const field = page.getByRole('textbox', { name: 'Allowed origins' });
    await field.fill('https://shop.storefront.example/app');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('must be only scheme://host[:port]').waitFor();
    expect((await findApp('Storefront'))!.allowedOrigins).toEqual([]);
    await field.fill('https://shop.storefront.example\nhttp://localhost:5173');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await findApp('Storefront'))!.allowedOrigins).toEqual(['https://shop.storefront.example', 'http://localhost:5173']);
    await page.getByRole('button', { name: 'Save changes' }).and(page.locator(':disabled')).waitFor();
  });

  it('restricts the application to a group', async () => {
    await page.getByRole('radio', { name: 'Only members of these groups' }).check();
    // Restricting to no group would lock everyone out: the page asks for one.
    await page.getByRole('button', { name: 'Save access' }).click();
    await page.getByText('Choose at least one group, or let everyone in the organization sign in').waitFor();

    await page.getByRole('combobox', { name: 'Allowed groups' }).fill('whole');
    await page.getByRole('option', { name: 'Wholesale buyers' }).click();
    await page.getByRole('button', { name: 'Save access' }).click();
    await page.getByText('Only members of the chosen groups may sign in to Storefront').waitFor();

    const group = (await bed.server.system.repos.groups.findByName(orgId, 'Wholesale buyers'))!;
    await expect.poll(async () => (await findApp('Storefront'))!.allowedGroupIds).toEqual([group.id]);
    expect((await findApp('Storefront'))!.accessRestricted).toBe(true);
    // After a reload the choice is shown by the group's name.
    await page.reload();
    await page.getByRole('radio', { name: 'Only members of these groups' }).and(page.locator(':checked')).waitFor();
    await page.getByText('Wholesale buyers').waitFor();
    await dismissNotifications(page);
    await screenshot(page, 'console-application');
  });

  it("shows a web application's secret once, then rotates it", async () => {
    await page.getByRole('link', { name: 'All applications' }).click();
    await page.getByRole('button', { name: 'Register application' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register an application' });
    await dialog.getByRole('radio', { name: 'Traditional web application' }).check();
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Partner portal');
    await dialog.getByRole('textbox', { name: 'Redirect URIs', exact: true }).fill('https://partners.example/callback');
    await dialog.getByRole('button', { name: 'Register application' }).click();

    const secretDialog = page.getByRole('dialog', { name: 'Client secret of Partner portal' });
    await secretDialog.getByText('You will not see this secret again').waitFor();
    const first = (await secretDialog.locator('code').textContent())!;
    const app = (await findApp('Partner portal'))!;
    const storedHash = async () => (await bed.server.system.repos.credentials.findClientForAuthentication(orgId, app.id))!.clientSecretHash;
    expect(await storedHash()).toBe(sha256Hex(first));
    // The dialog does not close by accident: only by saying the secret is stored.
    await page.keyboard.press('Escape');
    await secretDialog.getByRole('button', { name: 'I have stored the secret' }).click();
    await page.getByRole('heading', { name: 'Partner portal', level: 1 }).waitFor();
    await page.getByText('It was shown once, when it was created, and cannot be shown again').waitFor();

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate the secret of Partner portal?' });
    await confirm.getByText('The current secret stops working at once').waitFor();
    await confirm.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = page.getByRole('dialog', { name: 'Client secret of Partner portal' });
    await rotated.getByText('You will not see this secret again').waitFor();
    const second = (await rotated.locator('code').textContent())!;
    expect(second).not.toBe(first);
    expect(await storedHash()).toBe(sha256Hex(second));
    await rotated.getByRole('button', { name: 'I have stored the secret' }).click();
    await rotated.waitFor({ state: 'hidden' });
    // Once closed, the secret is nowhere on the page.
    expect(await page.content()).not.toContain(second);
  });

  it('deletes an application after saying its tokens are revoked', async () => {
    const app = (await findApp('Partner portal'))!;
    await page.getByRole('button', { name: 'Delete application' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the application “Partner portal”?' });
    await dialog.getByText(/every token and sign-in it was given is revoked/).waitFor();
    await dialog.getByText('This cannot be undone').waitFor();
    await dialog.getByLabel('I understand that deleting this application cannot be undone').check();
    await dialog.getByRole('button', { name: 'Delete application' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/t/acme/console/applications');
    await page.getByRole('table', { name: 'Applications' }).getByRole('link', { name: 'Storefront' }).waitFor();
    expect(await page.getByRole('link', { name: 'Partner portal' }).count()).toBe(0);
    expect(await bed.server.system.repos.applications.findById(orgId, app.id)).toBeUndefined();
    await dismissNotifications(page);
    await screenshot(page, 'console-applications');
  });

  it('registers a machine-to-machine application with the API scopes it needs', async () => {
    await page.getByRole('button', { name: 'Register application' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register an application' });
    await dialog.getByRole('radio', { name: 'Machine-to-machine' }).check();
    // No redirect URIs for a client that signs nobody in: scopes instead.
    expect(await dialog.getByRole('textbox', { name: 'Redirect URIs', exact: true }).count()).toBe(0);
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Nightly sync');
    await dialog.getByRole('checkbox', { name: /List and search users/ }).check();
    await dialog.getByRole('checkbox', { name: /Read groups and their members/ }).check();
    await dialog.getByRole('button', { name: 'Register application' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Client secret of Nightly sync' });
    await secretDialog.getByText('You will not see this secret again').waitFor();
    await secretDialog.getByRole('button', { name: 'I have stored the secret' }).click();
    await page.getByRole('heading', { name: 'Nightly sync', level: 1 }).waitFor();
    await page.getByText('Nobody signs in to a machine-to-machine application').waitFor();
    expect((await findApp('Nightly sync'))!.scopes.sort()).toEqual(['internal_group_mgt_view', 'internal_user_mgt_list']);
    await page.getByRole('link', { name: 'All applications' }).click();
  });

  // A second sign-in, on a machine that may be busy with other test runs: allow it time.
  it('works on a phone', { timeout: 60_000 }, async () => {
    const phone = await bed.newPage(PHONE);
    await signInTo(phone.page, `${bed.consoleUrl}applications`, bed.ownerEmail, OWNER_PASSWORD);
    phone.page.setDefaultTimeout(10_000);
    await phone.page.getByRole('link', { name: 'Storefront' }).waitFor();
    await screenshot(phone.page, 'console-applications-phone');
    await phone.page.getByRole('link', { name: 'Storefront' }).click();
    await phone.page.getByRole('heading', { name: 'Storefront', level: 1 }).waitFor();
    const widths = await phone.page.evaluate<{ content: number; viewport: number }>('({ content: document.documentElement.scrollWidth, viewport: window.innerWidth })');
    expect(widths.content).toBeLessThanOrEqual(widths.viewport);
    await screenshot(phone.page, 'console-application-phone');
    expectNoConsoleErrors(phone);
  });

  it('logged no console errors beyond the refused redirect URI', () => {
    expectNoConsoleErrors(ui, [/HTTP 400 POST .*\/api\/server\/v1\/applications$/, /status of 400/]);
  });
});
