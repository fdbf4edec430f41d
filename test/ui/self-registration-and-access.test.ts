// How customers come and what they may reach, in a real browser: (a) a person opens My Account
// signed out, follows "Create an account" on the hosted sign-in page, registers, confirms the
// address from the mail, and ends up signed in to My Account; (b) an application restricted to
// a group turns a customer outside the group away on the hosted page (and My Account does not
// list it for them), while a member gets an authorization code.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import type { Page } from 'playwright-core';
import { chromiumAvailable, DESKTOP, expectNoConsoleErrors, PHONE, screenshot, signInTo, startUiTestBed, submitSignIn, type UiTestBed } from './harness.ts';
import { createCustomer } from '../support/system.ts';
import { linkIn } from '../support/smtp.ts';
import { pkcePair, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

const PASSWORD = 'plum-orbit-candle-42';

describe.runIf(chromiumAvailable())('self-registration and access to applications', () => {
  let bed: UiTestBed;

  beforeAll(async () => {
    bed = await startUiTestBed();
  });
  afterAll(async () => bed?.close());

  it('(a) registers through My Account: Create an account, confirm the mail, sign in, see the profile', async () => {
    const { system } = bed.server;
    const ui = await bed.newPage(PHONE);
    const { page } = ui;
    page.setDefaultTimeout(10_000);

    // Without self-registration the hosted sign-in page offers no sign-up.
    await page.goto(bed.myAccountUrl);
    await page.waitForURL(/\/login\//);
    await page.getByLabel('Email').waitFor();
    expect(await page.getByRole('link', { name: 'Create an account' }).count()).toBe(0);

    await system.services.settings.update(bed.organization.id, { selfRegistrationEnabled: true }, SYSTEM_CONTEXT);
    await page.goto(bed.myAccountUrl);
    await page.waitForURL(/\/login\//);
    await screenshot(page, 'self-registration-sign-in-page');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL((url) => url.pathname === '/t/acme/register');
    await page.getByLabel('Email').fill('nora@example.test');
    await page.getByLabel('Given name').fill('Nora');
    await page.getByLabel('Family name').fill('Nilsen');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await screenshot(page, 'self-registration-form');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    const mail = await bed.waitForMail('nora@example.test');
    await page.goto(linkIn(mail));
    await page.getByLabel('The password you registered with').fill(PASSWORD);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('heading', { name: 'Email confirmed' }).waitFor();
    await screenshot(page, 'self-registration-confirmed');

    // The way back to My Account: its sign-in, then the new account's profile.
    await page.getByRole('link', { name: 'Sign in to My Account' }).click();
    await page.waitForURL(/\/login\//);
    await submitSignIn(page, 'nora@example.test', PASSWORD);
    await page.waitForURL((url) => url.pathname === '/t/acme/myaccount/profile');
    await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
    expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe('nora@example.test');
    expect(await page.getByLabel('First name').inputValue()).toBe('Nora');
    expect(await page.getByLabel('Last name').inputValue()).toBe('Nilsen');
    await screenshot(page, 'self-registration-my-account-profile');
    expectNoConsoleErrors(ui);
  }, 60_000);

  describe('(b) an application restricted to a group', () => {
    let clientId: string;
    let config: client.Configuration;

    beforeAll(async () => {
      const { system } = bed.server;
      const { organization } = bed;
      const member = await createCustomer(system, organization, 'gia@acme.test', PASSWORD, { givenName: 'Gia' });
      await createCustomer(system, organization, 'otto@acme.test', PASSWORD, { givenName: 'Otto' });
      const gold = (await system.services.groups.createGroup(organization.id, { displayName: 'Gold', memberIds: [member.id] }, SYSTEM_CONTEXT)).group;
      clientId = (
        await system.services.applications.createApplication(
          organization.id,
          { name: 'Gold lounge', type: 'spa', redirectUris: [REDIRECT_URI], allowedGroupIds: [gold.id] },
          SYSTEM_CONTEXT,
        )
      ).application.id;
      config = await relyingParty(bed.baseUrl, 'acme', clientId);
    });

    /** Opens the relying party's authorization URL in the browser; its redirect URI answers a stub page. */
    async function startAuthorization(page: Page) {
      await page.context().route(`${new URL(REDIRECT_URI).origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Gold lounge</title>' }));
      const { verifier, challenge } = await pkcePair();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', state });
      await page.goto(url.href);
      await page.waitForURL(/\/login\//);
      return { verifier, state };
    }

    it('turns away a customer outside the group on the hosted page, and My Account does not list it', async () => {
      const ui = await bed.newPage(DESKTOP);
      const { page } = ui;
      page.setDefaultTimeout(10_000);
      await startAuthorization(page);
      await submitSignIn(page, 'otto@acme.test', PASSWORD);
      await page.getByRole('heading', { name: 'No access' }).waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('Your account does not have access to Gold lounge');
      expect(page.url()).not.toContain('code=');
      await screenshot(page, 'access-denied-page');

      await signInTo(page, bed.myAccountUrl, 'otto@acme.test', PASSWORD);
      await page.getByRole('link', { name: 'Applications' }).click();
      await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
      await page.getByText('No applications yet').waitFor();
      expect(await page.getByText('Gold lounge').count()).toBe(0);
      await screenshot(page, 'access-denied-my-account-applications');
      // The hosted page answers 403: that refusal is the point of this test.
      expectNoConsoleErrors(ui, [/status of 403/, /HTTP 403 POST .*\/t\/acme\/login\//]);
    }, 60_000);

    it('gives a member of the group a code, and lists the application in their My Account', async () => {
      const ui = await bed.newPage(DESKTOP);
      const { page } = ui;
      page.setDefaultTimeout(10_000);
      const { verifier, state } = await startAuthorization(page);
      await submitSignIn(page, 'gia@acme.test', PASSWORD);
      await page.waitForURL((url) => url.href.startsWith(REDIRECT_URI));
      const callback = new URL(page.url());
      expect(callback.searchParams.get('code')).toBeTruthy();
      const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
      expect(tokens.claims()?.sub).toBeTruthy();

      // Signed in already (single sign-on): My Account opens without asking again.
      await page.goto(bed.myAccountUrl);
      await page.waitForURL((url) => url.pathname === '/t/acme/myaccount/profile');
      await page.getByRole('link', { name: 'Applications' }).click();
      const apps = page.getByRole('list', { name: 'Your applications' });
      await apps.waitFor();
      expect(await apps.getByRole('heading').allTextContents()).toEqual(['Gold lounge']);
      await screenshot(page, 'access-member-my-account-applications');
      expectNoConsoleErrors(ui);
    }, 60_000);
  });
});
