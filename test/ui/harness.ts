// End-to-end tests of the Console and My Account in a real browser: Debian's Chromium driven by
// playwright-core, against the real server on a loopback port, with mail going to a real SMTP
// server in the test process. Screenshots land in test-results/screenshots (kept by CI as
// artifacts); every page records console errors so that a test can assert there were none.

import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createOrganization, OWNER_PASSWORD, startTestServer, type RunningServer } from '../support/system.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp.ts';
import { ROOT } from '../support/processes.ts';
import type { Organization } from '../../src/repos/organization-repo.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results/screenshots');
export { OWNER_PASSWORD };

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface UiTestBed {
  server: RunningServer;
  smtp: TestSmtpServer;
  organization: Organization;
  ownerEmail: string;
  browser: Browser;
  baseUrl: string;
  /** `${baseUrl}/t/{org}/console/` and `/myaccount/`. */
  consoleUrl: string;
  myAccountUrl: string;
  /** A new browser context (own cookies) and page that records console errors. */
  newPage(viewport?: { width: number; height: number }): Promise<UiPage>;
  /** Sends what is due and waits for a mail to `to` (the n-th, from 1). */
  waitForMail(to: string, count?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface UiPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  /** Native dialogs the page opened, by type ('beforeunload' for a leave-page warning), in order. */
  dialogs: string[];
}

/** The browser must be Debian's: nothing here ever downloads one. */
export function chromiumAvailable(): boolean {
  const found = fs.existsSync(CHROMIUM);
  // CI installs it (.ci/run): there a missing browser is a failure, never a silent skip.
  if (!found && process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  return found;
}

export async function startUiTestBed(handle = 'acme'): Promise<UiTestBed> {
  const smtp = await startSmtpServer();
  const server = await startTestServer({ env: { SMTP_URL: smtp.url } });
  const ownerEmail = `owner@${handle}.test`;
  const { organization } = await createOrganization(server.system, handle, ownerEmail);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // This machine has no network beyond loopback: keep Chromium from reaching for one.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const pages: UiPage[] = [];
  return {
    server,
    smtp,
    organization,
    ownerEmail,
    browser,
    baseUrl: server.baseUrl,
    consoleUrl: `${server.baseUrl}/t/${handle}/console/`,
    myAccountUrl: `${server.baseUrl}/t/${handle}/myaccount/`,
    async newPage(viewport = DESKTOP) {
      // Reduced motion: the apps then skip transitions, so a closing dialog is gone at once.
      const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      // Chromium's console line for a failed load does not name the resource: record which.
      page.on('response', (response) => {
        if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
      });
      // A test that navigates away means to leave: a leave-page warning is recorded and accepted
      // (Playwright would otherwise dismiss it and stay). Other dialogs are dismissed, as by default.
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.type());
        void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()).catch(() => {});
      });
      const uiPage = { page, context, errors, dialogs };
      pages.push(uiPage);
      return uiPage;
    },
    async waitForMail(to, count = 1) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        await server.system.mail.drain();
        const mails = smtp.mailsTo(to);
        if (mails.length >= count) return mails[count - 1];
        if (Date.now() > deadline) throw new Error(`No mail number ${count} to ${to} arrived (received: ${mails.length})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await Promise.all(pages.map((p) => p.context.close().catch(() => {})));
      await browser.close();
      await server.stop();
      await smtp.close();
    },
  };
}

/** Completes the organization's hosted sign-in form on the current page. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
}

/** Opens an app, signs in on the hosted page, and waits for the app to show itself. */
export async function signInTo(page: Page, appUrl: string, email: string, password: string): Promise<void> {
  await page.goto(appUrl);
  await page.waitForURL(/\/login\//);
  await submitSignIn(page, email, password);
  await page.waitForURL((url) => url.href.startsWith(appUrl) && !url.pathname.endsWith('/callback'));
  await page.getByRole('navigation').first().waitFor();
}

/** Waits until no animation runs (dialogs and menus opening), so a picture shows the end state. */
export async function settled(page: Page): Promise<void> {
  // Polled from here: the page's CSP forbids the eval that waitForFunction relies on.
  await expect.poll(() => page.evaluate<boolean>("document.getAnimations().every((a) => a.playState !== 'running')")).toBe(true);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await settled(page);
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * No console errors beyond those a test expects. Chromium logs every 4xx answer to fetch as a
 * console error, so a test that provokes one (a taken email, say) names it in `allowed`.
 */
export function expectNoConsoleErrors(uiPage: UiPage, allowed: RegExp[] = []): void {
  expect(uiPage.errors.filter((error) => !allowed.some((pattern) => pattern.test(error)))).toEqual([]);
}
