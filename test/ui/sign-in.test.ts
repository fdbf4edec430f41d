// The apps start by signing in through the organization's hosted page, and come back to where
// the person was going.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, expectNoConsoleErrors, OWNER_PASSWORD, screenshot, signInTo, startUiTestBed, type UiTestBed } from './harness.ts';

describe.runIf(chromiumAvailable())('signing in to the Console and My Account', () => {
  let bed: UiTestBed;
  beforeAll(async () => {
    bed = await startUiTestBed();
  });
  afterAll(async () => bed?.close());

  it('the owner signs in to the Console through the hosted page and lands on Users', async () => {
    const ui = await bed.newPage();
    await signInTo(ui.page, bed.consoleUrl, bed.ownerEmail, OWNER_PASSWORD);
    await expect.poll(() => new URL(ui.page.url()).pathname).toBe('/t/acme/console/users');
    await screenshot(ui.page, 'console-signed-in');
    expectNoConsoleErrors(ui);
  });

  it('an unknown organization gets a 404 page', async () => {
    const response = await fetch(`${bed.baseUrl}/t/nobody/console/`);
    expect(response.status).toBe(404);
  });

  it('serves the app with a strict content security policy and the organization written in', async () => {
    const response = await fetch(`${bed.consoleUrl}users/123`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const body = await response.text();
    expect(body).toContain('"org":"acme"');
    expect(body).toMatch(/<script type="module" crossorigin src="\/ui\/assets\//);
  });
});
