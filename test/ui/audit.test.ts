// The Console's audit log: the owner's changes (settings, templates, administrators) listed
// newest first with who made them, their before and after values folded out, filters by
// action (exact and prefix), and "Load more" through older events.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, expectNoConsoleErrors, OWNER_PASSWORD, PHONE, screenshot, signInTo, startUiTestBed, type UiPage, type UiTestBed } from './harness.ts';
import type { RequestContext } from '../../src/services/request-context.ts';

// The page answers after its queries do: give them as long as any other step.
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000 });

describe.runIf(chromiumAvailable())('the Console audit log', () => {
  let bed: UiTestBed;
  let ui: UiPage;
  let ownerId: string;

  beforeAll(async () => {
    bed = await startUiTestBed();
    const { system } = bed.server;
    const orgId = bed.organization.id;
    ownerId = (await system.repos.users.listAdministrators(orgId)).find((a) => a.adminRole === 'owner')!.id;

    // Older events first, so that the owner's changes below are the newest: 60 of them fill more
    // than the first page.
    for (let i = 0; i < 60; i += 1) {
      await system.repos.audit.record({ orgId, occurredAt: new Date(Date.UTC(2025, 0, 1, 0, i)), actorType: 'system', action: 'test.seeded', targetType: 'organization', targetId: orgId });
    }
    // The changes the other Console pages make, done as the owner.
    const ctx: RequestContext = { actor: { type: 'user', id: ownerId }, requestId: 'req-audit-test', clientIp: '127.0.0.1' };
    // Events of one millisecond have no order between them: keep the changes a few apart.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    await system.services.settings.update(orgId, { selfRegistrationEnabled: true }, ctx);
    await tick();
    await system.services.settings.putTemplate(orgId, 'invitation', { subject: 'Hi {{name}}', text: 'Go {{link}}', html: '<p>Go {{link}}</p>' }, ctx);
    await tick();
    await system.services.settings.resetTemplate(orgId, 'invitation', ctx);
    await tick();
    const invited = await system.services.administrators.inviteAdministrator(bed.organization, ownerId, { email: 'ada@acme.test', givenName: 'Ada', delivery: 'link' }, ctx);
    await tick();
    await system.services.administrators.removeAdministrator(orgId, ownerId, invited.user.id, ctx);
    await tick();

    ui = await bed.newPage();
    ui.page.setDefaultTimeout(10_000);
    await signInTo(ui.page, `${bed.consoleUrl}audit`, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => bed?.close());

  const rows = (page = ui.page) => page.getByRole('table', { name: 'Audit events' }).locator('tbody tr');
  const actions = (page = ui.page) => page.getByRole('table', { name: 'Audit events' }).locator('tbody tr td:nth-child(2)').allTextContents();

  it('lists the changes newest first, with who made them and what changed', async () => {
    const { page } = ui;
    await rows().first().waitFor();
    // The sign-in that opened this page is the newest event.
    expect((await actions()).slice(0, 6)).toEqual(['sign_in.succeeded', 'user.deleted', 'user.invited', 'mail_template.reset', 'mail_template.updated', 'organization.settings_updated']);

    // The actor is the owner, linked to their user page.
    const settingsRow = rows().filter({ hasText: 'organization.settings_updated' });
    expect(await settingsRow.getByRole('link', { name: ownerId }).getAttribute('href')).toBe(`/t/acme/console/users/${ownerId}`);
    await settingsRow.getByRole('button', { name: 'Details' }).click();
    const details = page.locator(`#${await settingsRow.getByRole('button', { name: 'Hide details' }).getAttribute('aria-controls')}`);
    await details.getByText('Before').waitFor();
    expect(await details.locator('pre').nth(0).textContent()).toContain('"selfRegistrationEnabled": false');
    expect(await details.locator('pre').nth(1).textContent()).toContain('"selfRegistrationEnabled": true');
    await details.getByText(/Request req-audit-test · From 127\.0\.0\.1/).waitFor();
    await screenshot(page, 'console-audit');
    expectNoConsoleErrors(ui);
  });

  it('loads older events page by page', async () => {
    const { page } = ui;
    expect(await rows().filter({ hasText: 'test.seeded' }).count()).toBeLessThan(60);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText(/events, no more to show/).waitFor();
    expect(await rows().filter({ hasText: 'test.seeded' }).count()).toBe(60);
    expectNoConsoleErrors(ui);
  });

  it('filters by an exact action and by a prefix', async () => {
    const { page } = ui;
    const action = page.getByRole('combobox', { name: 'Action' });
    await action.fill('user.invited');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await poll(() => actions()).toEqual(['user.invited']);
    const invitedRow = rows().first();
    await invitedRow.getByRole('button', { name: 'Details' }).click();
    await page.getByText(/"delivery": "link"/).waitFor();

    await action.fill('mail_template.*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await poll(() => actions()).toEqual(['mail_template.reset', 'mail_template.updated']);

    await action.fill('nothing.like.this');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No events match these filters').waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await poll(async () => (await actions()).includes('organization.settings_updated')).toBe(true);
    expect(await page.getByRole('combobox', { name: 'Action' }).inputValue()).toBe('');
    expectNoConsoleErrors(ui);
  });

  it('works at phone width', async () => {
    // The same signed-in tab, narrowed: a second sign-in would test nothing new.
    const { page } = ui;
    await page.setViewportSize(PHONE);
    await page.goto(`${bed.consoleUrl}audit`);
    await rows().first().waitFor();
    // Nothing is wider than the screen.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'console-audit-phone');
    expectNoConsoleErrors(ui);
  });
});
