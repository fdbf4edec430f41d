// Requests without a body are accepted whatever Content-Type they name: Okta sends
// `Content-Type: application/scim+json` on every request, DELETE included (issue 11, item 3).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, type ScimTestBed } from '../support/scim.ts';
import { registerApplication } from '../support/relying-party.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

describe('body-less requests with a Content-Type', () => {
  let bed: ScimTestBed;
  let acme: Client;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme', [
      'internal_user_mgt_create', 'internal_user_mgt_delete', 'internal_user_mgt_view', 'internal_user_mgt_list',
      'internal_group_mgt_create', 'internal_group_mgt_delete', 'internal_group_mgt_view',
      'internal_application_mgt_delete', 'internal_application_mgt_view',
    ]);
  });
  afterAll(() => bed.close());

  for (const contentType of ['application/scim+json', 'application/json', 'application/scim+json; charset=utf-8']) {
    it(`SCIM DELETE of a user and a group with ${contentType} and no body answers 204`, async () => {
      const user = await acme.request('POST', '/Users', newUser(`bodyless-${contentType.length}-${Date.now()}@example.test`));
      expect(user.statusCode, user.body).toBe(201);
      const res = await bed.app.inject({ method: 'DELETE', url: `/t/acme/scim2/Users/${user.json().id}`, headers: { authorization: `Bearer ${acme.token}`, 'content-type': contentType } });
      expect(res.statusCode, res.body).toBe(204);
      const withLength = await acme.request('POST', '/Users', newUser(`bodyless-len-${contentType.length}-${Date.now()}@example.test`));
      const res2 = await bed.app.inject({
        method: 'DELETE',
        url: `/t/acme/scim2/Users/${withLength.json().id}`,
        headers: { authorization: `Bearer ${acme.token}`, 'content-type': contentType, 'content-length': '0' },
      });
      expect(res2.statusCode, res2.body).toBe(204);

      const group = await acme.request('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Bodyless ${contentType}` });
      expect(group.statusCode, group.body).toBe(201);
      const del = await bed.app.inject({ method: 'DELETE', url: `/t/acme/scim2/Groups/${group.json().id}`, headers: { authorization: `Bearer ${acme.token}`, 'content-type': contentType } });
      expect(del.statusCode, del.body).toBe(204);
    });

    it(`SCIM GET with ${contentType} and no body answers 200`, async () => {
      const res = await bed.app.inject({ method: 'GET', url: '/t/acme/scim2/Users', headers: { authorization: `Bearer ${acme.token}`, 'content-type': contentType } });
      expect(res.statusCode, res.body).toBe(200);
    });

    it(`management API DELETE with ${contentType} and no body answers 204`, async () => {
      const { application } = await registerApplication(bed.system, acme.organization.id, { type: 'm2m', scopes: ['internal_user_mgt_list'] });
      const res = await bed.app.inject({
        method: 'DELETE',
        url: `/t/acme/api/server/v1/applications/${application.id}`,
        headers: { authorization: `Bearer ${acme.token}`, 'content-type': contentType },
      });
      expect(res.statusCode, res.body).toBe(204);
    });
  }

  it('a DELETE that does carry a body is still parsed: invalid JSON stays a 400', async () => {
    const user = await acme.request('POST', '/Users', newUser(`bodyless-bad-${Date.now()}@example.test`));
    const res = await bed.app.inject({
      method: 'DELETE',
      url: `/t/acme/scim2/Users/${user.json().id}`,
      headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/scim+json' },
      payload: '{"oops":',
    });
    expect(res.statusCode, res.body).toBe(400);
  });
});
