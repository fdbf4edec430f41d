// Issue 10 item 10, in a real Chromium: the hosted pages' CSP (form-action 'self', no inline
// script) must not break signing in to an application on another origin. Chromium checks
// form-action on every redirect after a form submission, so the sign-in page names its
// application's redirect origin; and the provider's form_post page (where a prompt=login account
// switch ends) submits itself only because its script is allowed by hash. Before this, that
// switch ended on a blank "Submitting Callback" page.

import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, OWNER_PASSWORD, startUiTestBed, submitSignIn, type UiTestBed } from './harness.ts';
import { freePort } from '../support/ports.ts';
import { pkcePair, registerApplication } from '../support/relying-party.ts';

interface Callback {
  method: string;
  code: string | null;
}

describe.runIf(chromiumAvailable())('signing in to an application on another origin', () => {
  let bed: UiTestBed;
  let relyingParty: http.Server;
  let redirectUri: string;
  let clientId: string;
  const callbacks: Callback[] = [];

  beforeAll(async () => {
    bed = await startUiTestBed('xorigin');
    // The application: another origin (another port), receiving the code by GET or by POST.
    const port = await freePort();
    redirectUri = `http://127.0.0.1:${port}/callback`;
    relyingParty = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const params = request.method === 'POST' ? new URLSearchParams(body) : new URL(request.url ?? '/', redirectUri).searchParams;
        if (request.url?.startsWith('/callback')) callbacks.push({ method: request.method ?? '', code: params.get('code') });
        response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Signed in</title><h1>Signed in</h1>');
      });
    });
    await new Promise<void>((resolve) => relyingParty.listen(port, '127.0.0.1', resolve));
    clientId = (await registerApplication(bed.server.system, bed.organization.id, { type: 'spa', redirectUris: [redirectUri] })).application.id;
  });
  afterAll(async () => {
    await bed?.close();
    await new Promise((resolve) => relyingParty?.close(resolve));
  });

  async function authorizeUrl(extra: Record<string, string> = {}) {
    const { challenge } = await pkcePair();
    const url = new URL(`${bed.baseUrl}/t/xorigin/oauth2/authorize`);
    url.search = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', ...extra }).toString();
    return url.href;
  }

  it('follows the sign-in form’s redirect to the application, then switches account with prompt=login through form_post', async () => {
    const { page } = await bed.newPage();
    await page.goto(await authorizeUrl());
    await page.waitForURL(/\/login\//);
    await submitSignIn(page, bed.ownerEmail, OWNER_PASSWORD);
    await page.waitForURL((url) => url.href.startsWith(redirectUri));
    expect(callbacks.at(-1)).toMatchObject({ method: 'GET', code: expect.any(String) });

    // The account switch: asked again for a password, answered by a self-submitting form.
    await page.goto(await authorizeUrl({ prompt: 'login', response_mode: 'form_post' }));
    await page.waitForURL(/\/login\//);
    await submitSignIn(page, bed.ownerEmail, OWNER_PASSWORD);
    await page.waitForURL((url) => url.href.startsWith(redirectUri));
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    expect(callbacks.at(-1)).toMatchObject({ method: 'POST', code: expect.any(String) });
  });
});
