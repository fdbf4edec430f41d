// Machine-to-machine access: the client-credentials grant, introspection and revocation, and
// the boundary between organizations.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startTestServer, createOrganization, type RunningServer } from '../support/system.ts';
import { oauthErrorOf, registerApplication, relyingParty } from '../support/relying-party.ts';

describe('client credentials', () => {
  let server: RunningServer;
  let clientId: string;
  let acmeId: string;
  let clientSecret: string;
  let otherClientId: string;
  let otherClientSecret: string;

  beforeAll(async () => {
    server = await startTestServer();
    const acme = await createOrganization(server.system, 'acme');
    acmeId = acme.organization.id;
    const globex = await createOrganization(server.system, 'globex');
    const m2m = await registerApplication(server.system, acme.organization.id, { type: 'm2m', scopes: ['internal_user_mgt_list', 'internal_user_mgt_create'] });
    clientId = m2m.application.id;
    clientSecret = m2m.clientSecret!;
    const other = await registerApplication(server.system, globex.organization.id, { type: 'm2m', scopes: ['internal_user_mgt_list'] });
    otherClientId = other.application.id;
    otherClientSecret = other.clientSecret!;
  });
  afterAll(() => server.stop());

  it('issues an access token for the scopes the application was given', async () => {
    const config = await relyingParty(server.baseUrl, 'acme', clientId, clientSecret);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'internal_user_mgt_list internal_user_mgt_create' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope).toBe('internal_user_mgt_list internal_user_mgt_create');
    expect(tokens.expires_in).toBe(3600);

    const introspection = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspection).toMatchObject({ active: true, client_id: clientId, scope: 'internal_user_mgt_list internal_user_mgt_create' });
  });

  it('accepts the secret in the request body as well as in Basic authentication', async () => {
    const res = await fetch(`${server.baseUrl}/t/acme/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'internal_user_mgt_list' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { scope: string }).scope).toBe('internal_user_mgt_list');
  });

  it('refuses a wrong secret and a scope the application was not given', async () => {
    const wrong = await relyingParty(server.baseUrl, 'acme', clientId, `${clientSecret}x`);
    expect(await oauthErrorOf(client.clientCredentialsGrant(wrong, { scope: 'internal_user_mgt_list' }))).toBe('invalid_client');
    const config = await relyingParty(server.baseUrl, 'acme', clientId, clientSecret);
    expect(await oauthErrorOf(client.clientCredentialsGrant(config, { scope: 'internal_user_mgt_delete' }))).toBe('invalid_scope');
  });

  it('stores no usable secret: the database holds only its SHA-256', async () => {
    const stored = (await server.system.repos.credentials.findClientForAuthentication(acmeId, clientId))?.clientSecretHash ?? undefined;
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(clientSecret);
    const res = await fetch(`${server.baseUrl}/t/acme/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${stored}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(401);
  });

  it('revokes a token', async () => {
    const config = await relyingParty(server.baseUrl, 'acme', clientId, clientSecret);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'internal_user_mgt_list' });
    await client.tokenRevocation(config, tokens.access_token);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it("keeps organizations apart: one organization's client and tokens are worthless at another", async () => {
    // acme's client at globex's token endpoint
    const crossed = await relyingParty(server.baseUrl, 'globex', clientId, clientSecret);
    expect(await oauthErrorOf(client.clientCredentialsGrant(crossed, { scope: 'internal_user_mgt_list' }))).toBe('invalid_client');

    // an acme token introspected by globex's own client at globex
    const acme = await relyingParty(server.baseUrl, 'acme', clientId, clientSecret);
    const acmeToken = (await client.clientCredentialsGrant(acme, { scope: 'internal_user_mgt_list' })).access_token;
    const globex = await relyingParty(server.baseUrl, 'globex', otherClientId, otherClientSecret);
    expect((await client.tokenIntrospection(globex, acmeToken)).active).toBe(false);
    expect((await client.tokenIntrospection(acme, acmeToken)).active).toBe(true);
  });

  it('answers 404 for an organization that does not exist', async () => {
    const res = await fetch(`${server.baseUrl}/t/nobody/oauth2/token`, { method: 'POST', body: 'grant_type=client_credentials' });
    expect(res.status).toBe(404);
    const discovery = await fetch(`${server.baseUrl}/t/nobody/oauth2/token/.well-known/openid-configuration`);
    expect(discovery.status).toBe(404);
  });
});
