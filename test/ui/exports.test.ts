// Export from the Console: the Users list downloads the customers its search selects, and the
// audit log downloads the events its filters select, as files the browser saves.

import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { chromiumAvailable, expectNoConsoleErrors, OWNER_PASSWORD, signInTo, startUiTestBed, type UiPage, type UiTestBed } from './harness.ts';
import { createCustomer } from '../support/system.ts';

const PASSWORD = 'correct horse battery staple';

/** Opens the Export menu, picks a format, and answers the saved file's name and text. */
async function download(page: Page, format: 'CSV (spreadsheet)' | 'JSON Lines'): Promise<{ name: string; text: string }> {
  await page.getByRole('button', { name: 'Export' }).click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: format }).click()]);
  return { name: file.suggestedFilename(), text: await fs.readFile(await file.path(), 'utf8') };
}

describe.runIf(chromiumAvailable())('Console exports', () => {
  let bed: UiTestBed;
  let ui: UiPage;

  beforeAll(async () => {
    bed = await startUiTestBed();
    for (const [email, givenName, familyName] of [
      ['ada@example.com', 'Ada', 'Lovelace'],
      ['grace@example.com', 'Grace', 'Hopper'],
      ['alan@example.com', 'Alan', 'Turing'],
    ]) {
      await createCustomer(bed.server.system, bed.organization, email, PASSWORD, { givenName, familyName });
    }
    ui = await bed.newPage();
    ui.page.setDefaultTimeout(10_000);
    await signInTo(ui.page, `${bed.consoleUrl}users`, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => bed?.close());

  it('downloads the customers the search selects, as CSV', async () => {
    const { page } = ui;
    await page.goto(`${bed.consoleUrl}users?q=hopper`);
    await page.getByText('1 customer matches').waitFor();
    const { name, text } = await download(page, 'CSV (spreadsheet)');
    expect(name).toMatch(/^users-acme-[\d-]+\.csv$/);
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toEqual([expect.objectContaining({ username: 'grace@example.com', given_name: 'Grace', family_name: 'Hopper', account_state: 'active' })]);

    // Without a search: every customer, and not the owner (the list shows customers only).
    await page.goto(`${bed.consoleUrl}users?sort=email-asc`);
    await page.getByText('3 customers').waitFor();
    const all = parse((await download(page, 'CSV (spreadsheet)')).text, { bom: true, columns: true }) as Record<string, string>[];
    expect(all.map((row) => row.username)).toEqual(['ada@example.com', 'alan@example.com', 'grace@example.com']);
    expectNoConsoleErrors(ui);
  });

  it('downloads the audit events the filters select, as JSON Lines', async () => {
    const { page } = ui;
    await page.goto(`${bed.consoleUrl}audit`);
    await page.getByRole('combobox', { name: 'Action' }).fill('user.created');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // The three customers and the owner.
    await expect.poll(() => page.getByRole('table', { name: 'Audit events' }).locator('tbody tr').count(), { timeout: 10_000 }).toBe(4);
    const { name, text } = await download(page, 'JSON Lines');
    expect(name).toMatch(/^audit-acme-[\d-]+\.jsonl$/);
    const events = text.trimEnd().split('\n').map((line) => JSON.parse(line) as { action: string; target: { id: string } });
    expect(events.map((event) => event.action)).toEqual(['user.created', 'user.created', 'user.created', 'user.created']);

    // The exports themselves are in the log, with who made them.
    await page.getByRole('combobox', { name: 'Action' }).fill('users.exported');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Audit events' }).locator('tbody tr').count(), { timeout: 10_000 }).toBe(2);
    expectNoConsoleErrors(ui);
  });
});
