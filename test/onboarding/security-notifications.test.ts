// Attack pinned (issue 10 item 2): "no mail reaches the owner" when someone else set their
// password or added an administrator. Now the person hears of it: a mail, through the outbox and
// the organization's editable templates, when their password is changed or reset, when an
// administrator sets it, when their addresses change, and (to the owner) when an administrator
// is added. Delivered here to a real SMTP server.

import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { linkIn } from '../support/smtp.ts';
import { newUser, PATCH_SCHEMA } from '../support/scim.ts';
import { pkcePair, REDIRECT_URI } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { createOnboardingBed, hiddenField, submit, type OnboardingBed } from './support.ts';

const FIRST = 'blue herons over the marsh';
const SECOND = 'grey herons over the lake';

describe('security notifications', () => {
  let bed: OnboardingBed;
  const url = (path: string) => `${bed.server.baseUrl}/t/notify${path}`;

  beforeAll(async () => {
    bed = await createOnboardingBed('notify');
    await bed.server.system.services.settings.update(bed.orgId, { forceTemporaryPasswordChange: false }, SYSTEM_CONTEXT);
  });
  afterAll(() => bed.close());

  async function customer(email: string) {
    const res = await bed.scim.request('POST', '/Users', newUser(email, { password: FIRST, name: { givenName: 'Nia', familyName: 'Ng' } }));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function subjectsTo(email: string): Promise<string[]> {
    await bed.deliver();
    return bed.smtp.mailsTo(email).map((m) => m.subject);
  }

  it('tells the user when they change their password in My Account', async () => {
    await customer('nia@notify.test');
    const { verifier, challenge } = await pkcePair();
    const authorize = client.buildAuthorizationUrl(bed.rp, { redirect_uri: REDIRECT_URI, scope: 'openid internal_login', code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await new TestBrowser(bed.server.baseUrl).signIn(authorize.href, 'nia@notify.test', FIRST);
    const tokens = await bed.tokens(page.location!, verifier);
    const changed = await bed.server.app.inject({
      method: 'PATCH',
      url: '/t/notify/scim2/Me',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/scim+json' },
      payload: JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: SECOND }], currentPassword: FIRST }),
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(await subjectsTo('nia@notify.test')).toEqual(['Your Notify password was changed']);
    const mail = bed.smtp.mailsTo('nia@notify.test')[0];
    expect(mail.text).toContain('Hello Nia');
    expect(mail.text).toContain(url('/password/forgot'));
  });

  it('tells the user when their password is reset with a link', async () => {
    await customer('ray@notify.test');
    const browser = new TestBrowser(bed.server.baseUrl);
    const form = await browser.navigate(url('/password/forgot'));
    await submit(browser, url('/password/forgot'), { csrf: hiddenField(form.body, 'csrf'), email: 'ray@notify.test' });
    await bed.deliver();
    const reset = await browser.navigate(linkIn(bed.smtp.mailsTo('ray@notify.test').at(-1)!));
    const done = await submit(browser, url('/password/reset'), { token: hiddenField(reset.body, 'token'), password: SECOND, confirm: SECOND });
    expect(done.status).toBe(200);
    expect(await subjectsTo('ray@notify.test')).toEqual(['Reset your Notify password', 'Your Notify password was changed']);
  });

  it('tells the user when an administrator sets their password', async () => {
    const id = await customer('sol@notify.test');
    const set = await bed.scim.request('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: SECOND }] });
    expect(set.statusCode, set.body).toBe(200);
    expect(await subjectsTo('sol@notify.test')).toEqual(['An administrator set a new password for your Notify account']);
  });

  it('tells the sign-in address when the account’s addresses change, and audits them before and after', async () => {
    const id = await customer('tao@notify.test');
    const added = await bed.scim.request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'emails', value: [{ value: 'tao@home.test', type: 'home' }] }],
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(await subjectsTo('tao@notify.test')).toEqual(['The email addresses of your Notify account changed']);
    expect(bed.smtp.mailsTo('tao@notify.test')[0].text).toContain('added tao@home.test');
    expect(bed.smtp.mailsTo('tao@home.test')).toHaveLength(0);
    const event = (await bed.server.system.repos.audit.listForOrganization(bed.orgId, 200)).find((e) => e.action === 'user.updated' && e.targetId === id);
    expect(event?.before).toMatchObject({ emails: ['tao@notify.test'] });
    expect(event?.after).toMatchObject({ emails: ['tao@notify.test', 'tao@home.test'] });

    // A change that leaves the addresses alone sends nothing.
    const renamed = await bed.scim.request('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'name.givenName', value: 'Tai' }] });
    expect(renamed.statusCode).toBe(200);
    expect(await subjectsTo('tao@notify.test')).toHaveLength(1);
  });

  it('tells the owner when an administrator is added', async () => {
    const { organization } = bed.scim;
    await bed.server.system.services.administrators.inviteAdministrator(organization, bed.scim.owner.id, { email: 'new-admin@notify.test', delivery: 'link' }, {
      actor: { type: 'user', id: bed.scim.owner.id },
    });
    const [notice] = (await subjectsTo(bed.scim.owner.userName)).filter((s) => s.includes('administrator'));
    expect(notice).toBe('A new administrator was added to Notify');
    expect(bed.smtp.mailsTo(bed.scim.owner.userName).at(-1)!.text).toContain('new-admin@notify.test was invited as an administrator');
  });

  it('uses the organization’s own template when it has one', async () => {
    const put = await bed.api('PUT', '/email-templates/password_set_by_administrator', {
      subject: 'Heads up from {{organizationName}}',
      text: 'Your password was set by IT. Questions? {{link}}',
      html: '<p>Your password was set by IT.</p>',
    });
    expect(put.status).toBe(200);
    const id = await customer('uma@notify.test');
    await bed.scim.request('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: SECOND }] });
    expect(await subjectsTo('uma@notify.test')).toEqual(['Heads up from Notify']);
  });
});
