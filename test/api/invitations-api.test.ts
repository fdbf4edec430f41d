// POST /t/{org}/api/server/v1/invitations as the Console calls it: an administrator signed in
// (a user's token) gets the mailed invitation's link in the answer, so the Console can offer to
// copy it; it is the very link the mail carries (not a second one, which would void the mailed
// one). A machine client's answer keeps a mailed link out unless it asked for delivery "link".

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnboardingBed, type OnboardingBed } from '../onboarding/support.ts';
import { linkIn } from '../support/smtp.ts';
import { API_SCOPES } from '../../src/oidc/scopes.ts';

describe('invitations created by an administrator', () => {
  let bed: OnboardingBed;
  let ownerToken: string;

  beforeAll(async () => {
    bed = await createOnboardingBed('links');
    const { system } = bed.server;
    // An access token as the Console holds it after the owner signs in.
    const consoleApp = await system.repos.applications.findBuiltIn(bed.orgId, 'console');
    const entry = (await system.providers.get('links'))!;
    const client = await entry.provider.Client.find(consoleApp!.id);
    const token = new entry.provider.AccessToken({ accountId: bed.scim.owner.id, client: client!, scope: API_SCOPES.join(' '), grantId: 'grant-owner', gty: 'authorization_code' });
    ownerToken = await token.save();
  });
  afterAll(() => bed?.close());

  const invite = (token: string, body: unknown) =>
    bed.server.app.inject({
      method: 'POST',
      url: '/t/links/api/server/v1/invitations',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('answers a signed-in administrator with the link the mail carries', async () => {
    const res = await invite(ownerToken, { email: 'Mia@Links.test', givenName: 'Mia', familyName: 'Hart' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as { userId: string; userName: string; delivery: string; link: string; mailId: string; expiresAt: string };
    expect(body).toMatchObject({ userName: 'mia@links.test', delivery: 'email', mailId: expect.any(String), expiresAt: expect.any(String) });
    expect(body.link).toMatch(/^http:\/\/[^/]+\/t\/links\/password\/set\?token=[A-Za-z0-9_-]{43}$/);

    await bed.deliver();
    const mails = bed.smtp.mailsTo('mia@links.test');
    expect(mails).toHaveLength(1);
    expect(linkIn(mails[0])).toBe(body.link);

    const audit = await bed.server.system.repos.audit.listForOrganization(bed.orgId, 20);
    const invited = audit.find((event) => event.action === 'user.invited' && event.targetId === body.userId);
    expect(invited).toBeDefined();
    // The audit trail records the delivery, never the link.
    expect(JSON.stringify(invited)).not.toContain(body.link.split('token=')[1]);
  });

  it('creates the invitation and its group memberships together', async () => {
    const group = await bed.scim.request('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Gold' });
    expect(group.statusCode).toBe(201);
    const res = await invite(ownerToken, { email: 'gus@links.test', groups: [group.json().id] });
    expect(res.statusCode, res.body).toBe(201);
    const user = await bed.scim.request('GET', `/Users/${res.json().userId}`);
    expect(user.json().groups).toMatchObject([{ value: group.json().id, display: 'Gold' }]);

    const missing = await invite(ownerToken, { email: 'nobody@links.test', groups: ['no-such-group'] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'request.invalid', details: { field: 'groups' } });
    // All or nothing: no user was left behind without its groups.
    const left = await bed.scim.request('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@links.test"')}`);
    expect(left.json().totalResults).toBe(0);
  });

  it('keeps a mailed link out of a machine client\'s answer', async () => {
    const mailed = await bed.api('POST', '/invitations', { email: 'robot@links.test' });
    expect(mailed.status).toBe(201);
    expect(mailed.json.link).toBeUndefined();
  });

  it('answers a taken address with a conflict on the email field', async () => {
    const res = await invite(ownerToken, { email: 'mia@links.test' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'user.email_in_use' });
  });
});
