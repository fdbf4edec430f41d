// The applications a signed-in user may use, as My Account lists them: the organization's own
// sign-in applications that the group restrictions let this user into, never machine-to-machine
// ones or the built-in Console and My Account, and nothing of another organization.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startTestServer, createOrganization, createCustomer, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, registerApplication, relyingParty } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { openUrlOf } from '../../src/routes/api/my-applications.ts';

const PASSWORD = 'plum-orbit-candle-42';

interface Listed {
  id: string;
  name: string;
  description: string | null;
  url: string | null;
}

describe('my applications', () => {
  let server: RunningServer;
  let shopId: string;
  let portalId: string;
  let loungeId: string;
  let m2m: { id: string; secret: string };

  beforeAll(async () => {
    server = await startTestServer();
    const { groups, applications } = server.system.services;
    const acme = (await createOrganization(server.system, 'acme')).organization;
    const globex = (await createOrganization(server.system, 'globex')).organization;
    const memberId = (await createCustomer(server.system, acme, 'gold@acme.test', PASSWORD)).id;
    await createCustomer(server.system, acme, 'plain@acme.test', PASSWORD);
    await createCustomer(server.system, globex, 'gus@globex.test', PASSWORD);
    const gold = (await groups.createGroup(acme.id, { displayName: 'Gold', memberIds: [memberId] }, SYSTEM_CONTEXT)).group;

    shopId = (await registerApplication(server.system, acme.id, { type: 'spa', name: 'Shop', redirectUris: ['https://shop.example/auth/callback'] })).application.id;
    portalId = (await registerApplication(server.system, acme.id, { type: 'web', name: 'Billing portal', redirectUris: ['http://127.0.0.1:9/callback'] }))
      .application.id;
    loungeId = (
      await applications.createApplication(
        acme.id,
        { name: 'Gold lounge', type: 'spa', description: 'For Gold members', redirectUris: ['https://lounge.example:8443/cb'], allowedGroupIds: [gold.id] },
        SYSTEM_CONTEXT,
      )
    ).application.id;
    const machine = await registerApplication(server.system, acme.id, { type: 'm2m', name: 'Nightly sync', scopes: ['internal_user_mgt_list'] });
    m2m = { id: machine.application.id, secret: machine.clientSecret! };
    await registerApplication(server.system, globex.id, { type: 'spa', name: 'Globex store' });
  });
  afterAll(() => server.stop());

  /** Signs in to the organization's My Account, as the app does, and returns the access token. */
  async function myAccountToken(handle: string, email: string): Promise<string> {
    const { organization } = (await server.system.providers.get(handle))!;
    const myAccount = (await server.system.repos.applications.findBuiltIn(organization.id, 'myaccount'))!;
    const redirectUri = `${server.baseUrl}/t/${handle}/myaccount/callback`;
    const config = await relyingParty(server.baseUrl, handle, myAccount.id);
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid internal_login', code_challenge: challenge, code_challenge_method: 'S256' });
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, email, PASSWORD);
    if (!result.location?.startsWith(redirectUri)) throw new Error(`sign-in as ${email} failed: ${result.status} ${result.body.slice(0, 200)}`);
    return (await client.authorizationCodeGrant(config, new URL(result.location), { pkceCodeVerifier: verifier })).access_token;
  }

  const list = (handle: string, token?: string) =>
    server.app.inject({ method: 'GET', url: `/t/${handle}/api/users/v1/me/applications`, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('lists the sign-in applications a group member may use, by name, with a URL to open', async () => {
    const res = await list('acme', await myAccountToken('acme', 'gold@acme.test'));
    expect(res.statusCode, res.body).toBe(200);
    const { applications } = res.json() as { applications: Listed[] };
    expect(applications).toEqual([
      { id: portalId, name: 'Billing portal', description: null, url: 'http://127.0.0.1:9/' },
      { id: loungeId, name: 'Gold lounge', description: 'For Gold members', url: 'https://lounge.example:8443/' },
      { id: shopId, name: 'Shop', description: null, url: 'https://shop.example/' },
    ]);
  });

  it('leaves out an application restricted to groups the user is not in', async () => {
    const res = await list('acme', await myAccountToken('acme', 'plain@acme.test'));
    expect(res.statusCode, res.body).toBe(200);
    const names = (res.json() as { applications: Listed[] }).applications.map((a) => a.name);
    expect(names).toEqual(['Billing portal', 'Shop']);
    expect(names).not.toContain('Gold lounge');
  });

  it("shows another organization's user only their own organization's applications, and refuses their token here", async () => {
    const token = await myAccountToken('globex', 'gus@globex.test');
    const own = await list('globex', token);
    expect(own.statusCode, own.body).toBe(200);
    expect((own.json() as { applications: Listed[] }).applications.map((a) => a.name)).toEqual(['Globex store']);
    const crossed = await list('acme', token);
    expect(crossed.statusCode).toBe(401);
    expect(crossed.json().code).toBe('auth.unauthorized');
  });

  it("refuses no token (401) and an application's token (403)", async () => {
    expect((await list('acme')).statusCode).toBe(401);
    const config = await relyingParty(server.baseUrl, 'acme', m2m.id, m2m.secret);
    const appToken = (await client.clientCredentialsGrant(config, { scope: 'internal_user_mgt_list' })).access_token;
    const res = await list('acme', appToken);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('auth.forbidden');
  });

  it('opens an application at the origin of its first redirect URI, and nowhere when it has none', () => {
    expect(openUrlOf({ redirectUris: ['https://app.example/a/b/callback?x=1', 'https://other.example/cb'] })).toBe('https://app.example/');
    expect(openUrlOf({ redirectUris: [] })).toBeNull();
    expect(openUrlOf({ redirectUris: ['not a uri'] })).toBeNull();
  });
});
