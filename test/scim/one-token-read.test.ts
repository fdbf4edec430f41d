// Issue 16, item 3: a SCIM or management-API call reads the bearer token from the token table
// (oidc_payloads) once, not once per kind of token it might be. Nothing is cached across
// requests: a token revoked between two calls is refused on the second.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, tokenFor, type ScimTestBed } from '../support/scim.ts';
import { createOrganization } from '../support/system.ts';
import { registerApplication } from '../support/relying-party.ts';
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
