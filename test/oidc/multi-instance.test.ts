// Two server instances over one database behave as one provider: a code issued through one is
// redeemed at the other, refreshes and userinfo work at either, and both sign with the same keys.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { openSystem } from '../../src/system.ts';
import { createPasswordHasher } from '../../src/security/password-hasher.ts';
import { startTestServer, createOrganization, freePort, OWNER_PASSWORD, TEST_ARGON2, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, registerApplication, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';

describe('two instances on one database', () => {
  let first: RunningServer;
  let second: FastifyInstance;
  let secondUrl: string;
  let clientId: string;
  let ownerId: string;

  beforeAll(async () => {
    first = await startTestServer();
    // The second instance shares the database and PUBLIC_URL, nothing in memory.
    const system = await openSystem(first.system.config, { db: first.system.db, migrate: false, hasher: createPasswordHasher(TEST_ARGON2) });
    second = await buildApp(system, { logger: false });
    const port = await freePort();
    await second.listen({ port, host: '127.0.0.1' });
    secondUrl = `http://127.0.0.1:${port}`;
    const { organization, owner } = await createOrganization(first.system, 'acme');
    ownerId = owner.id;
    clientId = (await registerApplication(first.system, organization.id, { type: 'spa' })).application.id;
  });
  afterAll(async () => {
    await second.close();
    await first.stop();
  });

  it('redeems at one instance the code the other issued, and refreshes at either', async () => {
    const config = await relyingParty(first.baseUrl, 'acme', clientId);
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' });
    const result = await new TestBrowser(first.baseUrl).signIn(url.href, 'owner@acme.test', OWNER_PASSWORD);
    const code = new URL(result.location!).searchParams.get('code')!;

    const exchanged = await fetch(`${secondUrl}/t/acme/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI, client_id: clientId }),
    });
    expect(exchanged.status).toBe(200);
    const tokens = (await exchanged.json()) as { access_token: string; refresh_token: string; id_token: string };

    // The ID token from the second instance verifies against the first instance's JWKS.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    expect(refreshed.claims()!.sub).toBe(ownerId);

    const userinfo = await fetch(`${secondUrl}/t/acme/oauth2/userinfo`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    expect(userinfo.status).toBe(200);
    expect(((await userinfo.json()) as { sub: string }).sub).toBe(ownerId);

    const firstJwks = await (await fetch(`${first.baseUrl}/t/acme/oauth2/jwks`)).json();
    const secondJwks = await (await fetch(`${secondUrl}/t/acme/oauth2/jwks`)).json();
    expect(secondJwks).toEqual(firstJwks);
  });

  it('continues at one instance a sign-in the other started', async () => {
    const { challenge } = await pkcePair();
    const authorize = new URL(`${first.baseUrl}/t/acme/oauth2/authorize`);
    authorize.search = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }).toString();
    const browser = new TestBrowser(first.baseUrl);
    const page = await browser.navigate(authorize.href);
    expect(page.body).toContain('name="password"');
    // The same browser, with the same cookies, posts the form to the other instance (a load
    // balancer's choice).
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1];
    const posted = await browser.request(page.url.replace(first.baseUrl, secondUrl), { form: { csrf, email: 'owner@acme.test', password: OWNER_PASSWORD } });
    expect(posted.status).toBe(303);
    expect(posted.location).toMatch(/\/t\/acme\/oauth2\/authorize\//);
  });
});
