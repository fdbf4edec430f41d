// A user's sessions, listed and ended from My Account: ending one revokes what it issued and
// leaves the others alone.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startTestServer, createOrganization, createCustomer, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { oauthErrorOf, pkcePair, registerApplication, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';

const PASSWORD = 'a customer passphrase';

describe('my sessions', () => {
  let server: RunningServer;
  let clientId: string;
  let orgId: string;
  let annId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { organization } = await createOrganization(server.system, 'acme');
    orgId = organization.id;
    annId = (await createCustomer(server.system, organization, 'ann@acme.test', PASSWORD)).id;
    clientId = (await registerApplication(server.system, organization.id, { type: 'spa', name: 'Shop' })).application.id;
  });
  afterAll(() => server.stop());

  async function signInOnNewDevice() {
    const config = await relyingParty(server.baseUrl, 'acme', clientId);
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid internal_login', code_challenge: challenge, code_challenge_method: 'S256' });
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, 'ann@acme.test', PASSWORD);
    return { config, tokens: await client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier }) };
  }

  const sessions = (token: string, method = 'GET', id = '') =>
    fetch(`${server.baseUrl}/t/acme/api/users/v1/me/sessions${id ? `/${id}` : ''}`, { method, headers: { authorization: `Bearer ${token}` } });

  it('lists each device as a session and ends one, revoking its tokens only', async () => {
    const laptop = await signInOnNewDevice();
    const phone = await signInOnNewDevice();
    const listed = await sessions(laptop.tokens.access_token);
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { sessions: Array<{ id: string; signedInAt: string; applications: Array<{ name: string }> }> };
    expect(body.sessions).toHaveLength(2);
    expect(body.sessions[0].applications).toEqual([{ clientId, name: 'Shop' }]);
    expect(Date.parse(body.sessions[0].signedInAt)).toBeGreaterThan(Date.now() - 60_000);
    // Where each was last used from (issue 14): the test's fetch names no known browser.
    expect(body.sessions[0]).toMatchObject({ clientAddress: '127.0.0.1', lastSeenAt: expect.any(String), browser: null });
    // A session is shown by its uid, never by its stored id: that is the session cookie's value.
    const stored = await server.system.repos.oidcPayloads.listSessions(orgId, annId, new Date());
    expect(stored).toHaveLength(2);
    for (const session of body.sessions) expect(stored.map((s) => s.id)).not.toContain(session.id);

    // End one of the two sessions (whichever device it was).
    const [first, second] = body.sessions;
    expect((await sessions(laptop.tokens.access_token, 'DELETE', first.id)).status).toBe(204);
    const outcomes = await Promise.all([
      oauthErrorOf(client.refreshTokenGrant(laptop.config, laptop.tokens.refresh_token!)).catch(() => 'ok'),
      oauthErrorOf(client.refreshTokenGrant(phone.config, phone.tokens.refresh_token!)).catch(() => 'ok'),
    ]);
    // Exactly one device lost its session; the other keeps working.
    const survivor = outcomes[0] === 'ok' ? laptop : phone;
    expect([...outcomes].sort()).toEqual(['invalid_grant', 'ok']);
    const after = (await (await sessions(survivor.tokens.access_token)).json()) as { sessions: Array<{ id: string }> };
    expect(after.sessions.map((s) => s.id)).toEqual([second.id]);
  });

  it('refuses an unknown session id and a bad token', async () => {
    const device = await signInOnNewDevice();
    expect((await sessions(device.tokens.access_token, 'DELETE', 'not-a-session')).status).toBe(404);
    expect((await sessions('garbage')).status).toBe(401);
  });
});
