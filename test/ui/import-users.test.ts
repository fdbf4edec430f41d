// Users > New User > Multiple users in Chromium: a 10,000-row CSV is checked (a dry run that
// writes nothing), then imported as a background job whose progress the page follows, and the
// per-row results download; a reload finds the job again; a customer imported with a bcrypt
// hash from another system signs in with their old password; typed addresses are invited, once for a double click.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import bcrypt from 'bcryptjs';
import { chromiumAvailable, expectNoConsoleErrors, OWNER_PASSWORD, signInTo, startUiTestBed, submitSignIn, type UiPage, type UiTestBed } from './harness.ts';

const ROWS = 10_000;

describe.runIf(chromiumAvailable())('Console bulk import', () => {
  let bed: UiTestBed;
  let ui: UiPage;
  let dir: string;

  beforeAll(async () => {
    bed = await startUiTestBed();
    // The server's background runner, as npm start runs it.
    bed.server.system.jobs.start();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tessera-import-'));
    ui = await bed.newPage();
    ui.page.setDefaultTimeout(15_000);
    await signInTo(ui.page, `${bed.consoleUrl}users`, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => {
    await bed?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  async function downloadResults(): Promise<Record<string, string>[]> {
    const [file] = await Promise.all([ui.page.waitForEvent('download'), ui.page.getByRole('button', { name: 'Download the results (CSV)' }).click()]);
    return parse(await fs.readFile(await file.path(), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
  }

  it(`checks a ${ROWS.toLocaleString('en')}-row CSV with a dry run, imports it in the background, and downloads the results`, async () => {
    const { page } = ui;
    const lines = ['username,givenname,familyname,groups'];
    for (let i = 0; i < ROWS; i++) lines.push(`person${i}@example.com,Person,Number ${i},`);
    lines.push('not-an-address,Bad,Row,');
    const csv = path.join(dir, 'customers.csv');
    await fs.writeFile(csv, lines.join('\n'));

    await page.goto(`${bed.consoleUrl}users`);
    await page.getByRole('button', { name: 'New User' }).click();
    await page.getByRole('menuitem', { name: 'Multiple users' }).click();
    await page.getByRole('heading', { name: 'Add multiple users' }).waitFor();
    await page.locator('input[type="file"]').setInputFiles(csv);
    await page.getByLabel('Send nothing').check();
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByRole('heading', { name: /Check of the file of customers\.csv: Finished/ }).waitFor({ timeout: 120_000 });
    await page.getByText(`Would be created: ${ROWS.toLocaleString()}`).waitFor();
    await page.getByText('Not valid: 1').waitFor();
    const checked = await downloadResults();
    expect(checked).toHaveLength(ROWS + 1);
    expect(checked[ROWS]).toMatchObject({ username: 'not-an-address', outcome: 'invalid', detail: '"not-an-address" is not an email address' });
    // A dry run writes nobody.
    expect(await bed.server.system.services.users.countUsers(bed.organization.id)).toBe(1);

    // A reload finds the job again (its id is in the address); the file must be chosen again.
    await page.reload();
    await page.getByRole('heading', { name: /Check of the file of customers\.csv: Finished/ }).waitFor();

    await page.locator('input[type="file"]').setInputFiles(csv);
    await page.getByLabel('Send nothing').check();
    await page.getByRole('button', { name: 'Import' }).click();
    // The page follows the job: it shows progress before it finishes.
    await page.getByRole('heading', { name: /^Import of customers\.csv: (Waiting to start|Running|Finished)/ }).waitFor();
    await page.getByRole('heading', { name: /^Import of customers\.csv: Finished/ }).waitFor({ timeout: 300_000 });
    await page.getByText(`Created: ${ROWS.toLocaleString()}`).waitFor();
    const results = await downloadResults();
    expect(results.filter((row) => row.outcome === 'created')).toHaveLength(ROWS);
    expect(await bed.server.system.services.users.countUsers(bed.organization.id)).toBe(ROWS + 1);
    expectNoConsoleErrors(ui);
  }, 600_000);

  it('imports a customer with a bcrypt hash from another system, who then signs in with their old password', async () => {
    const { page } = ui;
    const csv = path.join(dir, 'migrated.csv');
    await fs.writeFile(csv, `username,givenname,passwordhash,passwordhashscheme\nmigrated@example.com,Migrated,${bcrypt.hashSync('my old password 1', 4)},bcrypt\n`);
    await page.goto(`${bed.consoleUrl}users/import`);
    await page.locator('input[type="file"]').setInputFiles(csv);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: /^Import of migrated\.csv: Finished/ }).waitFor({ timeout: 60_000 });
    await page.getByText('Created: 1').waitFor();

    const customer = await bed.newPage();
    await customer.page.goto(bed.myAccountUrl);
    await customer.page.waitForURL(/\/login\//);
    await submitSignIn(customer.page, 'migrated@example.com', 'my old password 1');
    await customer.page.waitForURL((url) => url.href.startsWith(bed.myAccountUrl), { timeout: 15_000 });
    await customer.page.getByText('Migrated', { exact: false }).first().waitFor();
    expectNoConsoleErrors(customer);
  });

  it('invites typed addresses by mail, once for a double click', async () => {
    const { page } = ui;
    await page.goto(`${bed.consoleUrl}users/import`);
    await page.getByText('Type addresses', { exact: true }).click();
    await page.getByLabel('Email addresses').fill('typed1@example.com\ntyped2@example.com, typed3@example.com');
    // A double click starts one import.
    await page.getByRole('button', { name: 'Import' }).dblclick();
    await page.getByRole('heading', { name: /^Import of addresses\.csv: Finished/ }).waitFor({ timeout: 60_000 });
    await page.getByText('Invited: 3').waitFor();
    const imports = await bed.server.system.services.imports.list(bed.organization.id);
    expect(imports.filter((job) => job.params.fileName === 'addresses.csv')).toHaveLength(1);
    const mail = await bed.waitForMail('typed2@example.com');
    expect(mail.subject).toBeTruthy();
    expectNoConsoleErrors(ui);
  });
});
