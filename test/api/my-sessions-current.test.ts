// My Account marks the session it is using among a user's sessions: the sessions API says which
// session the calling token was issued in, also after the token was refreshed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startTestServer, createOrganization, createCustomer, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, relyingParty } from '../support/relying-party.ts';

const PASSWORD = 'plum-orbit-candle-42';

describe('the current session', () => {
  let server: RunningServer;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { organization } = await createOrganization(server.system, 'acme');
    await createCustomer(server.system, organization, 'ann@acme.test', PASSWORD);
    clientId = (await server.system.repos.applications.findBuiltIn(organization.id, 'myaccount'))!.id;
  });
  afterAll(() => server.stop());

  /** A sign-in to My Account in a browser of its own (its own session). */
  async function signInOnNewDevice() {
    const redirectUri = `${server.baseUrl}/t/acme/myaccount/callback`;
    const config = await relyingParty(server.baseUrl, 'acme', clientId);
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid internal_login', code_challenge: challenge, code_challenge_method: 'S256' });
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, 'ann@acme.test', PASSWORD);
    return { config, tokens: await client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier }) };
  }

  async function sessions(token: string) {
    const res = await server.app.inject({ method: 'GET', url: '/t/acme/api/users/v1/me/sessions', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { sessions: Array<{ id: string; current: boolean }> }).sessions;
  }

  it("marks exactly the caller's session, before and after a refresh", async () => {
    const laptop = await signInOnNewDevice();
    const phone = await signInOnNewDevice();
    const seenByLaptop = await sessions(laptop.tokens.access_token);
    const seenByPhone = await sessions(phone.tokens.access_token);
    expect(seenByLaptop).toHaveLength(2);
    expect(seenByLaptop.filter((s) => s.current)).toHaveLength(1);
    expect(seenByPhone.filter((s) => s.current)).toHaveLength(1);
    const laptopSession = seenByLaptop.find((s) => s.current)!.id;
    expect(seenByPhone.find((s) => s.current)!.id).not.toBe(laptopSession);

    const refreshed = await client.refreshTokenGrant(laptop.config, laptop.tokens.refresh_token!);
    expect((await sessions(refreshed.access_token)).find((s) => s.current)!.id).toBe(laptopSession);
  });
});
