// Administrators: the owner invites them (an invitation like a customer's) and removes them;
// an administrator cannot remove the owner; an invited administrator reaches the Console.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startTestServer, createOrganization, OWNER_PASSWORD, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, relyingParty } from '../support/relying-party.ts';

describe('administrators', () => {
  let server: RunningServer;
  let ownerToken: string;
  let orgId: string;
  let ownerId: string;

  async function consoleToken(email: string, password: string): Promise<string> {
    const consoleApp = await server.system.repos.applications.findBuiltIn(orgId, 'console');
    const config = await relyingParty(server.baseUrl, 'acme', consoleApp!.id);
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: `${server.baseUrl}/t/acme/console/callback`,
      scope: 'openid internal_org_admin_mgt_view internal_org_admin_mgt_create internal_org_admin_mgt_delete',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, email, password);
    expect(result.location, result.body.slice(0, 400)).toMatch(/\/console\/callback\?code=/);
    return (await client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier })).access_token;
  }

  const api = (token: string, method: string, path = '', body?: unknown) =>
    fetch(`${server.baseUrl}/t/acme/api/server/v1/administrators${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    server = await startTestServer();
    const created = await createOrganization(server.system, 'acme');
    orgId = created.organization.id;
    ownerId = created.owner.id;
    ownerToken = await consoleToken('owner@acme.test', OWNER_PASSWORD);
  });
  afterAll(() => server.stop());

  it('lets the owner invite an administrator, who sets a password and reaches the Console', async () => {
    const invited = await api(ownerToken, 'POST', '', { email: 'Admin@Acme.test', givenName: 'Ada', delivery: 'link' });
    expect(invited.status).toBe(201);
    const body = (await invited.json()) as { id: string; email: string; role: string; accountState: string; invitationLink: string };
    expect(body).toMatchObject({ email: 'admin@acme.test', role: 'admin', accountState: 'pending' });

    const browser = new TestBrowser(server.baseUrl);
    const page = await browser.request(body.invitationLink);
    expect(page.status).toBe(200);
    const token = /name="token" value="([^"]+)"/.exec(page.body)![1];
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)![1];
    const set = await browser.request(new URL(action, server.baseUrl).href, { form: { token, password: 'a long and winding road 7', confirm: 'a long and winding road 7' } });
    expect(set.status).toBe(200);

    const adminToken = await consoleToken('admin@acme.test', 'a long and winding road 7');
    const listed = (await (await api(adminToken, 'GET')).json()) as { administrators: Array<{ email: string; role: string }> };
    expect(listed.administrators.map((a) => [a.email, a.role])).toEqual([
      ['owner@acme.test', 'owner'],
      ['admin@acme.test', 'admin'],
    ]);

    // An administrator cannot remove the owner, nor manage administrators at all.
    const refused = await api(adminToken, 'DELETE', `/${ownerId}`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('auth.forbidden');
    expect((await api(adminToken, 'POST', '', { email: 'other@acme.test' })).status).toBe(403);
    expect(await server.system.repos.users.findById(orgId, ownerId)).toBeDefined();

    // The owner removes the administrator; the owner cannot be removed even by the owner.
    expect((await api(ownerToken, 'DELETE', `/${ownerId}`)).status).toBe(403);
    expect((await api(ownerToken, 'DELETE', `/${body.id}`)).status).toBe(204);
    expect(await server.system.repos.users.findById(orgId, body.id)).toBeUndefined();
  });

  it('refuses bad input and application tokens', async () => {
    const bad = await api(ownerToken, 'POST', '', { email: 'not-an-email' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('user.invalid_email');
    expect((await api(ownerToken, 'POST', '', { email: 'x@acme.test', role: 'owner' })).status).toBe(400);
  });
});
