// Regression (issue 14 item 1): double-clicking Finish in New User > Customer sent two requests;
// the customer was created and invited (201), then the wizard showed step 1 with "A user with
// this email already exists" (409). Now Finish holds off while its request runs, and the request
// carries the wizard run's Idempotency-Key, so even a repeat that reaches the server answers the
// first answer. Pinned with a double click, two clicks in one instant, Enter pressed twice, and
// a fresh key per wizard run.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { chromiumAvailable, expectNoConsoleErrors, OWNER_PASSWORD, signInTo, startUiTestBed, type UiPage, type UiTestBed } from './harness.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

describe.runIf(chromiumAvailable())('Console: Finish creates one customer however often it is pressed', { timeout: 60_000 }, () => {
  let bed: UiTestBed;
  let owner: UiPage;
  let page: Page;
  const creates: Request[] = [];

  const orgId = () => bed.organization.id;
  const usersNamed = async (email: string) => (await bed.server.system.repos.users.findByUserName(orgId(), email)) ? 1 : 0;
  const mailsTo = async (email: string) => (await bed.server.system.repos.outbox.list(orgId(), { limit: 200 })).filter((mail) => mail.recipient === email).length;

  /** A group, so the wizard has its groups step (Finish on the second step). */
  let group: Promise<unknown> | undefined;
  const ensureGroup = () => (group ??= bed.server.system.services.groups.createGroup(orgId(), { displayName: 'Gold customers' }, SYSTEM_CONTEXT));

  async function startNewCustomer(email: string) {
    await page.goto(`${bed.consoleUrl}users/new`);
    await fillDetails(email);
  }

  async function fillDetails(email: string) {
    await page.getByRole('textbox', { name: /Email \(username\)/ }).fill(email);
    await page.getByRole('textbox', { name: 'First Name' }).fill('Dee');
    await page.getByRole('textbox', { name: 'Last Name' }).fill('Bounce');
  }

  beforeAll(async () => {
    bed = await startUiTestBed();
    owner = await bed.newPage();
    page = owner.page;
    page.setDefaultTimeout(10_000);
    page.on('request', (request) => {
      if (request.method() === 'POST' && /\/(invitations|scim2\/Users)$/.test(new URL(request.url()).pathname)) creates.push(request);
    });
    await signInTo(page, bed.consoleUrl, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => bed?.close());

  it('double-clicking Finish (no groups: Finish on the first step) invites one customer and shows the success screen', async () => {
    const email = 'double.click@example.test';
    creates.length = 0;
    await startNewCustomer(email);
    await page.getByRole('button', { name: 'Finish' }).dblclick();
    await page.getByRole('heading', { name: 'Invitation sent' }).waitFor();
    await expect.poll(() => page.getByText('A user with this email already exists').count()).toBe(0);
    expect(await usersNamed(email)).toBe(1);
    expect(await mailsTo(email)).toBe(1);
    expect(creates).toHaveLength(1);
    expect(creates[0].headers()['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    expectNoConsoleErrors(owner);
  });

  it('two clicks on Finish in the same instant (groups step, temporary password over SCIM) create one customer', async () => {
    await ensureGroup();
    await ensureGroup();
    const email = 'same.instant@example.test';
    creates.length = 0;
    await startNewCustomer(email);
    await page.getByRole('radio', { name: 'Set a temporary password for the user' }).check();
    await page.getByRole('textbox', { name: 'Temporary password' }).fill('violet-harbor-lantern-17');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('checkbox', { name: 'Gold customers' }).check();
    // Two clicks in one task, before React can re-render the button as disabled: the case a
    // disabled button alone does not stop.
    await page.getByRole('button', { name: 'Finish' }).evaluate((button) => {
      (button as unknown as { click(): void }).click();
      (button as unknown as { click(): void }).click();
    });
    await page.getByRole('heading', { name: 'Customer created' }).waitFor();
    await expect.poll(() => page.getByText('A user with this email already exists').count()).toBe(0);
    expect(await usersNamed(email)).toBe(1);
    expect(creates).toHaveLength(1);
    const firstKey = creates[0].headers()['idempotency-key'];
    expect(firstKey).toMatch(/^[0-9a-f]{32}$/);
    expectNoConsoleErrors(owner);
  });

  it('pressing Enter twice on Finish creates one customer; a new run from the summary sends a new key', async () => {
    await ensureGroup();
    const email = 'double.enter@example.test';
    creates.length = 0;
    await startNewCustomer(email);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('checkbox', { name: 'Gold customers' }).waitFor();
    await page.getByRole('button', { name: 'Finish' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Invitation sent' }).waitFor();
    expect(await usersNamed(email)).toBe(1);
    expect(await mailsTo(email)).toBe(1);
    expect(creates).toHaveLength(1);
    const firstKey = creates[0].headers()['idempotency-key'];
    expect(firstKey).toMatch(/^[0-9a-f]{32}$/);

    // Another customer from the summary: a new wizard run, so a new key (not a 422).
    await page.getByRole('button', { name: /Add another/ }).click();
    await fillDetails('next.one@example.test');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByRole('heading', { name: 'Invitation sent' }).waitFor();
    expect(creates).toHaveLength(2);
    expect(creates[1].headers()['idempotency-key']).not.toBe(firstKey);
    expectNoConsoleErrors(owner);
  });
});
