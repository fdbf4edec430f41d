// Issue 10 item 11: what incident response needs is in the audit trail. Client-credential tokens
// issued and revoked (never the token itself), and refused API calls (401, 403 of a scope or a
// privilege rule, 429), each with the caller when known, the request id and the client address.
// (Email changes, before and after: test/onboarding/security-notifications.test.ts.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, type ScimTestBed } from '../support/scim.ts';
import { registerApplication } from '../support/relying-party.ts';
import type { AuditEvent } from '../../src/repos/audit-repo.ts';

describe('the audit trail of machine clients and refused calls', () => {
  let bed: ScimTestBed;
  let acme: Awaited<ReturnType<typeof scimClient>>;
  let clientId: string;
  let clientSecret: string;
  const basic = () => `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme', ['internal_user_mgt_list']);
    const app = await registerApplication(bed.system, acme.organization.id, { type: 'm2m', scopes: ['internal_user_mgt_list'] });
    clientId = app.application.id;
    clientSecret = app.clientSecret!;
  });
  afterAll(() => bed?.close());

  const events = async (action: string): Promise<AuditEvent[]> =>
    (await bed.system.repos.audit.listForOrganization(acme.organization.id, 500)).filter((e) => e.action === action);

  it('records a client-credentials token issued and revoked, with the client, the scope, the request id and address', async () => {
    const issued = await bed.app.inject({
      method: 'POST',
      url: '/t/acme/oauth2/token',
      remoteAddress: '10.9.8.7',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() },
      payload: 'grant_type=client_credentials&scope=internal_user_mgt_list',
    });
    expect(issued.statusCode).toBe(200);
    const token = issued.json().access_token as string;
    const [event] = (await events('token.client_credentials_issued')).filter((e) => e.actorId === clientId);
    expect(event).toMatchObject({ actorType: 'application', targetId: clientId, clientIp: '10.9.8.7', requestId: issued.headers['x-request-id'], after: { scope: 'internal_user_mgt_list', expiresIn: 3600 } });
    expect(JSON.stringify(event)).not.toContain(token);

    const revoked = await bed.app.inject({
      method: 'POST',
      url: '/t/acme/oauth2/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() },
      payload: new URLSearchParams({ token }).toString(),
    });
    expect(revoked.statusCode).toBe(200);
    const [revocation] = await events('token.client_credentials_revoked');
    expect(revocation).toMatchObject({ actorType: 'application', actorId: clientId, targetId: clientId, before: { scope: 'internal_user_mgt_list' } });
    expect(JSON.stringify(revocation)).not.toContain(token);
  });

  it('does not record a failed token request as issued', async () => {
    const before = (await events('token.client_credentials_issued')).length;
    const refused = await bed.app.inject({
      method: 'POST',
      url: '/t/acme/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:wrong`).toString('base64')}` },
      payload: 'grant_type=client_credentials',
    });
    expect(refused.statusCode).toBe(401);
    expect(await events('token.client_credentials_issued')).toHaveLength(before);
  });

  it('records refused SCIM and management-API calls: no token, a bad token, a missing scope', async () => {
    const noToken = await bed.app.inject({ method: 'GET', url: '/t/acme/scim2/Users?filter=x', remoteAddress: '10.1.1.1' });
    expect(noToken.statusCode).toBe(401);
    const badToken = await bed.app.inject({ method: 'GET', url: '/t/acme/api/server/v1/applications', headers: { authorization: 'Bearer not-a-token' } });
    expect(badToken.statusCode).toBe(401);
    const noScope = await acme.request('DELETE', '/Users/someone');
    expect(noScope.statusCode).toBe(403);

    const refused = await events('api.refused');
    expect(refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorType: 'anonymous', clientIp: '10.1.1.1', requestId: noToken.headers['x-request-id'] ?? expect.any(String), after: { status: 401, method: 'GET', path: '/t/acme/scim2/Users' } }),
        expect.objectContaining({ actorType: 'anonymous', after: { status: 401, method: 'GET', path: '/t/acme/api/server/v1/applications' } }),
        expect.objectContaining({ actorType: 'application', actorId: acme.clientId, after: { status: 403, method: 'DELETE', path: '/t/acme/scim2/Users/someone' } }),
      ]),
    );
  });

  it('leaves successful calls and unknown organizations out of the refusals', async () => {
    const before = (await events('api.refused')).length;
    expect((await acme.request('GET', '/Users')).statusCode).toBe(200);
    expect((await bed.app.inject({ method: 'GET', url: '/t/nobody/scim2/Users' })).statusCode).toBe(404);
    expect(await events('api.refused')).toHaveLength(before);
  });
});
