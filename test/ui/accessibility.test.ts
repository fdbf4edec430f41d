// Accessibility of the Console, My Account and the hosted pages, checked by a machine: every main
// page at 1280 px and at 390 px is scanned by axe-core against WCAG 2.1 A and AA, and a serious
// or critical violation fails the test, naming the rule, the element and the page. Then the
// keyboard: New User > Customer in tab order, Enter to submit, focus on the first invalid field
// after an error, and dialogs that keep focus inside and give it back to their opener on Escape.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import {
  chromiumAvailable,
  DESKTOP,
  expectNoConsoleErrors,
  OWNER_PASSWORD,
  PHONE,
  settled,
  signInTo,
  startUiTestBed,
  submitSignIn,
  type UiPage,
  type UiTestBed,
} from './harness.ts';
import { createCustomer } from '../support/system.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const PASSWORD = 'plum-orbit-candle-42';
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// The pages' CSP (script-src 'self') refuses an injected <script>, but not what the test's own
// DevTools connection evaluates: axe's source goes in through page.evaluate, so the pages are
// scanned under their real CSP (a bypassCSP context could hide a style or script the CSP blocks).
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

/** The page at rest (no animation, nothing loading), so that colours are measured on what stays. */
async function atRest(page: Page): Promise<void> {
  await settled(page);
  await expect.poll(() => page.getByText('Loading…').count()).toBe(0);
}

/** Serious and critical WCAG 2.1 A/AA violations on the page as it is, in words. */
async function axeProblems(page: Page, where: string): Promise<string[]> {
  await atRest(page);
  if (!(await page.evaluate<boolean>("typeof window.axe === 'object'"))) await page.evaluate(AXE_SOURCE);
  const json = await page.evaluate<string>(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_21_AA)} }, resultTypes: ['violations'] }).then((r) => JSON.stringify(r.violations))`,
  );
  const violations = JSON.parse(json) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${where}: [${v.impact}] ${v.id} (${v.help}) at ${n.target.join(' ')}\n    ${n.html.slice(0, 160)}\n    ${(n.failureSummary ?? '').replace(/\n/g, ' ')}`),
    );
}

/** Each page has its own title (WCAG 2.4.2): its heading, the app, the organization. */
async function expectTitled(page: Page, app: string): Promise<void> {
  const heading = (await page.locator('h1').first().textContent())?.trim();
  await expect.poll(() => page.title()).toBe(`${heading} · ${app} · Acme`);
}

/** The role and accessible name of the focused element, as assistive technology gets them. */
async function focused(page: Page): Promise<string> {
  const snapshot = await page.locator(':focus').ariaSnapshot();
  // The first line is the element itself: `- textbox "First Name"` or `- radio "…" [checked]`.
  return snapshot.split('\n')[0].replace(/^- /, '').replace(/:$/, '');
}

describe.runIf(chromiumAvailable())('Accessibility: axe at 1280 px and 390 px, and the keyboard', { timeout: 240_000 }, () => {
  let bed: UiTestBed;
  let owner: UiPage;
  let page: Page;
  let groupId: string;
  let applicationId: string;
  let invitedId: string;
  let invitationUrl: string;

  const orgId = () => bed.organization.id;
  const services = () => bed.server.system.services;

  /** Scans the page at both widths; `ready` is what shows the page has loaded. */
  async function scan(name: string, ready: (page: Page) => Locator, problems: string[], target = page): Promise<void> {
    for (const viewport of [DESKTOP, PHONE]) {
      await target.setViewportSize(viewport);
      // The phone layout may draw a list where the desktop draws a table: wait for what shows.
      await ready(target).filter({ visible: true }).first().waitFor();
      problems.push(...(await axeProblems(target, `${name} at ${viewport.width} px`)));
    }
    await target.setViewportSize(DESKTOP);
  }

  const heading = (name: string) => (p: Page) => p.getByRole('heading', { name, exact: true });

  beforeAll(async () => {
    bed = await startUiTestBed();
    // A customer in a group, an invited customer (every Edit user tab), and an application.
    const ada = await createCustomer(bed.server.system, bed.organization, 'ada@example.com', PASSWORD, { givenName: 'Ada', familyName: 'Lovelace' });
    groupId = (await services().groups.createGroup(orgId(), { displayName: 'Gold customers', memberIds: [ada.id] }, SYSTEM_CONTEXT)).group.id;
    await services().groups.createGroup(orgId(), { displayName: 'Beta testers' }, SYSTEM_CONTEXT);
    const invited = await services().users.createUser(
      bed.organization,
      { userName: 'mia.hart@example.com', givenName: 'Mia', familyName: 'Hart', askPassword: true, invitationDelivery: 'link' },
      SYSTEM_CONTEXT,
    );
    await services().users.createUser(bed.organization, { userName: 'sam@acme.test', administrator: true, askPassword: true, invitationDelivery: 'link' }, SYSTEM_CONTEXT);
    invitedId = invited.user.id;
    invitationUrl = invited.invitation!.url;
    applicationId = (
      await services().applications.createApplication(
        orgId(),
        { name: 'Shop', type: 'spa', redirectUris: ['https://shop.example/callback'], allowedGroupIds: [groupId] },
        SYSTEM_CONTEXT,
      )
    ).application.id;
    owner = await bed.newPage(DESKTOP);
    page = owner.page;
    page.setDefaultTimeout(10_000);
    await signInTo(page, bed.consoleUrl, bed.ownerEmail, OWNER_PASSWORD);
  });
  afterAll(async () => bed?.close());

  it('finds no serious or critical WCAG 2.1 AA violation on the hosted pages, the Console and My Account', async () => {
    const problems: string[] = [];

    // The hosted set-password page (an invitation given as a link) and the hosted sign-in page.
    const stranger = await bed.newPage(DESKTOP);
    await stranger.page.goto(invitationUrl);
    await scan('Hosted set-password page', (p) => p.getByLabel('New password'), problems, stranger.page);
    // Its errors too: a confirmation that does not match (the link stays usable).
    await stranger.page.getByLabel('New password').fill(PASSWORD);
    await stranger.page.getByLabel('Confirm password').fill(`${PASSWORD}x`);
    await stranger.page.getByRole('button', { name: 'Set password' }).click();
    await scan('Hosted set-password page with an error', (p) => p.getByRole('alert'), problems, stranger.page);
    // And the sign-in page refusing a wrong password.
    await stranger.page.goto(bed.myAccountUrl);
    await stranger.page.waitForURL(/\/login\//);
    await submitSignIn(stranger.page, 'ada@example.com', 'not-the-password-1');
    await scan('Hosted sign-in page with an error', (p) => p.getByRole('alert'), problems, stranger.page);
    await stranger.page.goto(bed.consoleUrl);
    await stranger.page.waitForURL(/\/login\//);
    await scan('Hosted sign-in page', (p) => p.getByLabel('Email'), problems, stranger.page);

    const visit = async (path: string, name: string, ready: (p: Page) => Locator) => {
      await page.goto(`${bed.consoleUrl}${path}`);
      await scan(name, ready, problems);
      await expectTitled(page, 'Console');
    };
    await visit('users', 'Console Users', (p) => p.getByText('ada@example.com'));
    // The phone's navigation, opened from the burger.
    await page.setViewportSize(PHONE);
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Groups' }).waitFor();
    problems.push(...(await axeProblems(page, 'Console navigation opened at 390 px')));
    await page.setViewportSize(DESKTOP);

    await visit('users/new', 'Console New User, details', (p) => p.getByRole('textbox', { name: /Email \(username\)/ }));
    await page.getByRole('textbox', { name: /Email \(username\)/ }).fill('kim.lee@example.com');
    await page.getByRole('button', { name: 'Next' }).click();
    await scan('Console New User, groups', (p) => p.getByRole('checkbox', { name: 'Gold customers' }), problems);
    await visit('users/import', 'Console Add multiple users', (p) => p.getByRole('button', { name: 'Check the file' }));
    for (const tab of ['profile', 'groups', 'invitation', 'sign-in', 'lock', 'danger']) {
      await visit(`users/${invitedId}?tab=${tab}`, `Console Edit user, ${tab} tab`, (p) => p.getByRole('tabpanel'));
    }
    // A saved profile, and the notification that says so.
    await page.goto(`${bed.consoleUrl}users/${invitedId}`);
    await page.getByRole('textbox', { name: 'First name' }).fill('Mia Rose');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved').waitFor();
    problems.push(...(await axeProblems(page, 'Console Edit user with its notification at 1280 px')));
    await visit('groups', 'Console Groups', (p) => p.getByRole('link', { name: 'Gold customers' }));
    await visit(`groups/${groupId}`, 'Console group page', heading('Gold customers'));
    await visit('applications', 'Console Applications', (p) => p.getByRole('link', { name: 'Shop' }));
    await visit(`applications/${applicationId}`, 'Console application page', heading('Shop'));
    await visit('administrators', 'Console Administrators', (p) => p.getByText(bed.ownerEmail));
    await visit('settings', 'Console Settings', heading('Settings'));
    await visit('audit', 'Console Audit log', (p) => p.getByRole('row').nth(1));
    expectNoConsoleErrors(owner);
    // The refused forms answer 4xx, which Chromium logs.
    expectNoConsoleErrors(stranger, [/HTTP 4\d\d POST /, /status of 4\d\d/]);

    const customer = await bed.newPage(DESKTOP);
    customer.page.setDefaultTimeout(10_000);
    await signInTo(customer.page, bed.myAccountUrl, 'ada@example.com', PASSWORD);
    for (const [path, name, title] of [
      ['profile', 'My Account Profile', 'Profile'],
      ['security', 'My Account Security', 'Security'],
      ['applications', 'My Account Applications', 'Applications'],
    ]) {
      await customer.page.goto(`${bed.myAccountUrl}${path}`);
      await scan(name, heading(title), problems, customer.page);
      await expectTitled(customer.page, 'My Account');
    }
    expectNoConsoleErrors(customer);

    if (problems.length) console.error(`axe found ${problems.length} problem(s):\n${problems.join('\n')}`);
    expect(problems).toEqual([]);
  });

  it('New User > Customer by keyboard: tab order, Enter submits, focus goes to the first invalid field', async () => {
    // The axe scan above left a run unfinished, which the wizard keeps as a draft: start afresh.
    await page.goto(`${bed.consoleUrl}users`);
    await page.evaluate('sessionStorage.clear()');
    await page.goto(`${bed.consoleUrl}users/new`);
    const email = page.getByRole('textbox', { name: /Email \(username\)/ });
    await email.waitFor();
    await email.focus();
    expect(await focused(page)).toMatch(/^textbox "Email \(username\)/);
    await page.keyboard.type('not-an-email');
    const order = [
      /^textbox "First Name"$/,
      /^textbox "Last Name"$/,
      // A radio group is one tab stop: the chosen radio.
      /^radio "Invite user to set their own password" \[checked\]$/,
      // Cancel sits left of Next, so it comes first, as it is seen.
      /^link "Cancel"$/,
      /^button "Next"$/,
    ];
    for (const expected of order) {
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatch(expected);
    }
    // Back to Last Name, type, and submit the form with Enter from the field.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toMatch(/^textbox "Last Name"$/);
    await page.keyboard.type('Lee');
    await page.keyboard.press('Enter');
    await page.getByText('Enter an email address like name@example.com').waitFor();
    await expect.poll(() => focused(page)).toMatch(/^textbox "Email \(username\)/);
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await axeProblems(page, 'Console New User with an error')).toEqual([]);
    // The error is announced with the field: it is part of the field's description.
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    const descriptions = await Promise.all(describedBy.split(/\s+/).filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(descriptions.join(' ')).toContain('Enter an email address like name@example.com');

    // Mended, and the temporary password chosen by keyboard: arrows move within the radio group.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('kim.lee@example.com');
    await page.getByRole('radio', { name: 'Invite user to set their own password' }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toMatch(/^radio "Set a temporary password for the user" \[checked\]$/);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^textbox "Temporary password/);
    // Enter with it empty: the password is now the first invalid field, and focus stays on it.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('textbox', { name: /Temporary password/ }).getAttribute('aria-invalid')).toBe('true');
    expect(await focused(page)).toMatch(/^textbox "Temporary password/);
    expect(await email.getAttribute('aria-invalid')).not.toBe('true');
    expectNoConsoleErrors(owner);
  });

  it('on a phone, the folded navigation is out of the tab order; opened from the burger, it follows it', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${bed.consoleUrl}users`);
    const burger = page.getByRole('button', { name: 'Open navigation' });
    const inNavigation = () => page.evaluate<boolean>("!!document.activeElement?.closest('nav[aria-label=\"Console navigation\"]')");
    await burger.focus();
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await inNavigation(), `Tab ${i + 1} reached the folded navigation: ${await focused(page)}`).toBe(false);
    }
    await burger.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Close navigation' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^button "Account menu for/);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^link "Users"/);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^link "Groups"/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Groups', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Open navigation' }).waitFor();
    await page.setViewportSize(DESKTOP);
    expectNoConsoleErrors(owner);
  });

  it('keeps focus inside every dialog and gives it back to its opener on Escape; axe finds nothing in them', async () => {
    const problems: string[] = [];
    /** Opens a dialog from `opener` by keyboard, tabs round it, and closes it with Escape. */
    async function checkDialog(opener: Locator, dialogName: string | RegExp) {
      const page = opener.page();
      await opener.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: dialogName });
      await dialog.waitFor();
      await atRest(page);
      const inside = () => page.evaluate<boolean>("!!document.activeElement && !!document.activeElement.closest('[role=dialog]')");
      await expect.poll(inside).toBe(true);
      problems.push(...(await axeProblems(page, `dialog ${dialogName}`)));
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
        expect(await inside(), `focus left the dialog ${dialogName} after ${i + 1} presses`).toBe(true);
      }
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await expect
        .poll(async () => ((await opener.evaluate((element) => element === element.ownerDocument.activeElement)) ? 'the opener' : await page.evaluate<string>('document.activeElement?.outerHTML.slice(0, 200) ?? "nothing"')))
        .toBe('the opener');
    }

    await page.goto(`${bed.consoleUrl}users`);
    await checkDialog(page.getByRole('button', { name: 'Delete ada@example.com' }), /Delete/);
    await page.goto(`${bed.consoleUrl}users/${invitedId}?tab=danger`);
    await checkDialog(page.getByRole('tabpanel').getByRole('button', { name: 'Delete' }), /Delete/);
    const ada = (await bed.server.system.repos.users.findByUserName(orgId(), 'ada@example.com'))!;
    await page.goto(`${bed.consoleUrl}users/${ada.id}?tab=lock`);
    await checkDialog(page.getByRole('tabpanel').getByRole('button', { name: 'Lock account' }), /Lock/);
    await page.goto(`${bed.consoleUrl}groups`);
    await checkDialog(page.getByRole('button', { name: 'New group' }), /group/i);
    await page.goto(`${bed.consoleUrl}groups/${groupId}`);
    await checkDialog(page.getByRole('button', { name: 'Rename' }), /Rename/);
    await checkDialog(page.getByRole('button', { name: 'Delete group' }), /Delete the group/);
    await page.goto(`${bed.consoleUrl}applications`);
    await checkDialog(page.getByRole('button', { name: 'Register application' }), /Register/);
    await page.goto(`${bed.consoleUrl}applications/${applicationId}`);
    await checkDialog(page.getByRole('button', { name: 'Delete application' }), /Delete the application/);
    await page.goto(`${bed.consoleUrl}administrators`);
    await checkDialog(page.getByRole('button', { name: 'Invite administrator' }), /Invite/);
    await checkDialog(page.getByRole('button', { name: 'Remove sam@acme.test' }), /Remove/);

    const customer = await bed.newPage(DESKTOP);
    customer.page.setDefaultTimeout(10_000);
    await signInTo(customer.page, bed.myAccountUrl, 'ada@example.com', PASSWORD);
    await customer.page.goto(`${bed.myAccountUrl}security`);
    await checkDialog(customer.page.getByRole('button', { name: /^Sign out the session/ }).first(), /Sign out/);
    expectNoConsoleErrors(customer);

    if (problems.length) console.error(`axe found ${problems.length} problem(s) in dialogs:\n${problems.join('\n')}`);
    expect(problems).toEqual([]);
    expectNoConsoleErrors(owner);
  });
});
