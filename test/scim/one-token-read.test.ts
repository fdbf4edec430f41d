// Issue 16, item 3: a SCIM or management-API call reads the bearer token from the token table
// (oidc_payloads) once, not once per kind of token it might be. Nothing is cached across
// requests: a token revoked between two calls is refused on the second.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { createScimTestBed, newUser, scimClient, tokenFor, type ScimTestBed } from '../support/scim.ts';
import { createOrganization, startTestServer, type RunningServer } from '../support/system.ts';
import { pkcePair, registerApplication, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';
import { TestBrowser } from '../support/browser.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { touching } from '../support/statement-log.ts';

describe('one token read per request', () => {
  let bed: ScimTestBed;
  let acme: Awaited<ReturnType<typeof scimClient>>;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
  });
  afterAll(() => bed.close());

  const tokenStatements = (statements: string[]) => touching(statements, 'oidc_payloads');

  it('SCIM GET /Users reads the token table once', async () => {
    let status = 0;
    const statements = await bed.system.database.statements.during(async () => {
      status = (await acme.request('GET', '/Users')).statusCode;
    });
    expect(status).toBe(200);
    expect(tokenStatements(statements)).toHaveLength(1);
  });

  it('a management-API GET reads the token table once', async () => {
    let status = 0;
    const statements = await bed.system.database.statements.during(async () => {
      const res = await bed.app.inject({ method: 'GET', url: '/t/acme/api/server/v1/applications', headers: { authorization: `Bearer ${acme.token}` } });
      status = res.statusCode;
    });
    expect(status).toBe(200);
    expect(tokenStatements(statements)).toHaveLength(1);
  });

  it('an unknown token costs one read too, and is refused', async () => {
    let status = 0;
    const statements = await bed.system.database.statements.during(async () => {
      status = (await bed.app.inject({ method: 'GET', url: '/t/acme/scim2/Users', headers: { authorization: 'Bearer not-a-token-we-issued' } })).statusCode;
    });
    expect(status).toBe(401);
    expect(tokenStatements(statements)).toHaveLength(1);
  });

  it('refuses a token revoked after a successful call at once (nothing cached across requests)', async () => {
    const { organization } = await createOrganization(bed.system, 'globex');
    const { application, clientSecret } = await registerApplication(bed.system, organization.id, { type: 'm2m', scopes: ['internal_user_mgt_list'] });
    const token = await tokenFor(bed.app, 'globex', application.id, clientSecret!, ['internal_user_mgt_list']);
    const list = () => bed.app.inject({ method: 'GET', url: '/t/globex/scim2/Users', headers: { authorization: `Bearer ${token}` } });
    expect((await list()).statusCode).toBe(200);
    const revoked = await bed.app.inject({
      method: 'POST',
      url: '/t/globex/oauth2/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${application.id}:${clientSecret}`).toString('base64')}` },
      payload: new URLSearchParams({ token }).toString(),
    });
    expect(revoked.statusCode).toBe(200);
    expect((await list()).statusCode).toBe(401);
  });
});

describe('one token read per request, with a person\'s access token', () => {
  const HANDLE = 'person';
  const PASSWORD = 'a long and private passphrase';
  let server: RunningServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    const admin = await scimClient({ system: server.system, app: server.app, close: async () => {} }, HANDLE);
    const spaClientId = (await registerApplication(server.system, admin.organization.id, { type: 'spa' })).application.id;
    // Let the customer keep the password an administrator set, so they sign in directly.
    await server.system.services.settings.update(admin.organization.id, { forceTemporaryPasswordChange: false }, SYSTEM_CONTEXT);
    expect((await admin.request('POST', '/Users', newUser(`mia@${HANDLE}.test`, { password: PASSWORD }))).statusCode).toBe(201);

    const config = await relyingParty(server.baseUrl, HANDLE, spaClientId);
    const { verifier, challenge } = await pkcePair();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid internal_login', code_challenge: challenge, code_challenge_method: 'S256', state });
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, `mia@${HANDLE}.test`, PASSWORD);
    expect(result.location?.startsWith(REDIRECT_URI), result.body.slice(0, 200)).toBe(true);
    token = (await client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier, expectedState: state })).access_token;
  });
  afterAll(() => server?.stop());

  it('SCIM GET /Me reads the token once, and its browser session once', async () => {
    let status = 0;
    const statements = await server.system.database.statements.during(async () => {
      status = (await server.app.inject({ method: 'GET', url: `/t/${HANDLE}/scim2/Me`, headers: { authorization: `Bearer ${token}` } })).statusCode;
    });
    expect(status).toBe(200);
    const payloadReads = touching(statements, 'oidc_payloads');
    // The token, by id, once. A person's token expires with the browser session it came from,
    // so the provider also checks that session still exists (by its uid): a sign-out ends the
    // token at once. That is a read of the session, not of the token.
    expect(payloadReads.filter((sql) => /"id" = (\?|\$\d+)/.test(sql))).toHaveLength(1);
    expect(payloadReads.filter((sql) => /"uid" = (\?|\$\d+)/.test(sql))).toHaveLength(1);
    expect(payloadReads).toHaveLength(2);
  });
});
