// One organization on a real server whose mail goes to a real SMTP server in this process,
// with a SCIM client (client-credentials token), the management API, and an application to
// sign in to through the hosted pages.

import * as client from 'openid-client';
import { expect } from 'vitest';
import { startTestServer, type RunningServer, type TestSystemOptions } from '../support/system.ts';
import { scimClient, tokenFor } from '../support/scim.ts';
import { API_SCOPES } from '../../src/oidc/scopes.ts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { TestBrowser, type PageResponse } from '../support/browser.ts';
import { pkcePair, registerApplication, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';

export class TestClock {
  current = new Date();
  now = () => new Date(this.current);
  advance(seconds: number) {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

export const WSO2_SCHEMA = 'urn:scim:wso2:schema';

export interface OnboardingBed {
  server: RunningServer;
  smtp: TestSmtpServer;
  handle: string;
  orgId: string;
  scim: Awaited<ReturnType<typeof scimClient>>;
  /** Management API call under /t/{org}/api/server/v1 with the SCIM client's token. */
  api(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Sends what is due and returns the mails received meanwhile. */
  deliver(): Promise<void>;
  /** Opens the application's authorization URL in a new browser and signs in. */
  signIn(email: string, password: string, browser?: TestBrowser): Promise<PageResponse & { browser: TestBrowser; verifier: string }>;
  /** Completes the code flow from a callback URL: the application gets its tokens. */
  tokens(callback: string, verifier: string): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers>;
  rp: client.Configuration;
  close(): Promise<void>;
}

export async function createOnboardingBed(handle: string, options: Omit<TestSystemOptions, 'publicUrl' | 'env'> & { env?: Record<string, string> } = {}): Promise<OnboardingBed> {
  const smtp = await startSmtpServer();
  const server = await startTestServer({ ...options, env: { SMTP_URL: smtp.url, ...options.env } });
  const scim = await scimClient({ system: server.system, app: server.app, close: async () => {} }, handle);
  const spa = await registerApplication(server.system, scim.organization.id, { type: 'spa' });
  // Tests move the clock on by days: a fresh token is fetched whenever the current one expired.
  const m2m = await registerApplication(server.system, scim.organization.id, { type: 'm2m', scopes: [...API_SCOPES] });
  let token = await tokenFor(server.app, handle, m2m.application.id, m2m.clientSecret!, API_SCOPES);
  async function authorized(options: InjectOptions & { headers: Record<string, string> }): Promise<LightMyRequestResponse> {
    let res = await server.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });
    if (res.statusCode === 401) {
      token = await tokenFor(server.app, handle, m2m.application.id, m2m.clientSecret!, API_SCOPES);
      res = await server.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });
    }
    return res;
  }
  scim.request = (method, path, body, headers = {}) =>
    authorized({
      method,
      url: `/t/${handle}/scim2${path}`,
      headers: { ...(body !== undefined && { 'content-type': 'application/scim+json' }), ...headers },
      ...(body !== undefined && { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const rp = await relyingParty(server.baseUrl, handle, spa.application.id);
  return {
    server,
    smtp,
    handle,
    orgId: scim.organization.id,
    scim,
    rp,
    async api(method, path, body) {
      const res = await authorized({
        method,
        url: `/t/${handle}/api/server/v1${path}`,
        headers: { ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      });
      return { status: res.statusCode, json: res.body ? res.json() : undefined };
    },
    async deliver() {
      await server.system.mail.drain();
    },
    async signIn(email, password, browser = new TestBrowser(server.baseUrl)) {
      const { verifier, challenge } = await pkcePair();
      const url = client.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' });
      const result = await browser.signIn(url.href, email, password);
      return { ...result, browser, verifier };
    },
    async tokens(callback, verifier) {
      return client.authorizationCodeGrant(rp, new URL(callback), { pkceCodeVerifier: verifier });
    },
    async close() {
      await server.stop();
      await smtp.close();
    },
  };
}

export function expectCode(page: PageResponse): string {
  expect(page.location, page.body.slice(0, 400)).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
  return page.location!;
}

export function expectNoCode(page: PageResponse): void {
  expect(page.location ?? '').not.toMatch(/code=/);
}

/** Posts a hosted form (urlencoded) with a browser, returning the page. */
export function submit(browser: TestBrowser, url: string, form: Record<string, string>): Promise<PageResponse> {
  return browser.navigate(url, { form });
}

export function hiddenField(body: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(body)?.[1] ?? '';
}

export function formAction(body: string, index = 0): string {
  const actions = [...body.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]);
  if (!actions[index]) throw new Error(`No form ${index} in page: ${body.slice(0, 300)}`);
  return actions[index];
}
