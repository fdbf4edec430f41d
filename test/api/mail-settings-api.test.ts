// Template previews (rendered and escaped as real mails are, nothing stored), where mail goes
// without ever showing the SMTP credentials, and validation problems reported by field.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createScimTestBed, scimClient, newUser, tokenFor, type ScimTestBed } from '../support/scim.ts';
import { registerApplication } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { DEFAULT_TEMPLATES } from '../../src/mail/templates.ts';
import { smtpServer } from '../../src/routes/api/mail-settings.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

describe('mail settings API', () => {
  let bed: ScimTestBed;
  let acme: Client;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
  });
  afterAll(() => bed.close());

  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown, client: Client = acme, handle = 'acme'): Promise<LightMyRequestResponse> =>
    bed.app.inject({
      method,
      url: `/t/${handle}/api/server/v1${path}`,
      headers: { authorization: `Bearer ${client.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });

  it('previews the template in use with sample values, as a real mail would read', async () => {
    const res = await api('POST', '/email-templates/invitation/preview', {});
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    expect(preview.subject).toBe('You are invited to Acme');
    expect(preview.text).toContain('Hello Alex Sample,');
    expect(preview.text).toContain('http://localhost:3000/t/acme/password/set?token=sample');
    expect(preview.html).toContain('href="http://localhost:3000/t/acme/password/set?token=sample"');
    expect(preview.values).toMatchObject({ organizationName: 'Acme', email: 'alex.sample@example.com', expiresAt: expect.stringMatching(/ UTC$/) });

    // Without any body at all, too.
    const bare = await bed.app.inject({ method: 'POST', url: '/t/acme/api/server/v1/email-templates/activation/preview', headers: { authorization: `Bearer ${acme.token}` } });
    expect(bare.statusCode, bare.body).toBe(200);
    expect(bare.json().subject).toBe('Your Acme account is ready');
  });

  it('previews a draft without storing it, escaping values into its HTML only', async () => {
    const draft = { subject: 'Hi {{name}} from {{organizationName}}', text: 'Text {{name}} <b>', html: '<p>Dear {{name}}</p><p>{{email}}</p>' };
    const res = await api('POST', '/email-templates/invitation/preview', draft);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ subject: 'Hi Alex Sample from Acme', text: 'Text Alex Sample <b>', html: '<p>Dear Alex Sample</p><p>alex.sample@example.com</p>' });
    // Nothing was stored.
    expect((await api('GET', '/email-templates/invitation')).json()).toMatchObject({ customized: false, subject: DEFAULT_TEMPLATES.invitation.subject });
  });

  it('reports a bad draft by field, like saving it would', async () => {
    const res = await api('POST', '/email-templates/invitation/preview', { subject: 'a\nb', text: '', html: '{{nope}} and {{alsoNope}}' });
    expect(res.statusCode).toBe(400);
    const { details } = res.json();
    expect(details.fields).toEqual({
      subject: 'subject must be a single line',
      text: 'text is required',
      html: expect.stringMatching(/^html uses the unknown placeholder \{\{nope\}\}.*; html uses the unknown placeholder \{\{alsoNope\}\}/),
    });
    expect(details.problems).toHaveLength(4);
    const saved = await api('PUT', '/email-templates/invitation', { subject: '', text: 'x', html: 'y' });
    expect(saved.json().details.fields).toEqual({ subject: 'subject is required' });
    expect((await api('POST', '/email-templates/nonsense/preview', {})).statusCode).toBe(400);
  });

  it('previews the stored template once there is one, and escapes values into its HTML', async () => {
    expect((await api('PUT', '/email-templates/verification', { subject: 'Verify', text: 'Go {{link}}', html: '<a href="{{link}}">{{organizationName}}</a>' })).statusCode).toBe(200);
    const preview = (await api('POST', '/email-templates/verification/preview', {})).json();
    expect(preview).toMatchObject({ subject: 'Verify', text: 'Go http://localhost:3000/t/acme/email/verify?token=sample' });
    expect(preview.html).toBe('<a href="http://localhost:3000/t/acme/email/verify?token=sample">Acme</a>');
  });

  it('escapes a value with markup in the HTML preview as in a mail', async () => {
    const { organization } = await bed.system.services.organizations.createOrganization(
      { handle: 'globex', displayName: 'Globex <script>alert(1)</script> & Co', ownerEmail: 'owner@globex.test', ownerPassword: 'plum-orbit-candle-42' },
      SYSTEM_CONTEXT,
    );
    const { application, clientSecret } = await registerApplication(bed.system, organization.id, { type: 'm2m', scopes: ['internal_org_settings_view'] });
    const token = await tokenFor(bed.app, 'globex', application.id, clientSecret!, ['internal_org_settings_view']);
    const res = await bed.app.inject({
      method: 'POST',
      url: '/t/globex/api/server/v1/email-templates/activation/preview',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ subject: 'S {{organizationName}}', text: 'T {{organizationName}}', html: '<p>{{organizationName}}</p>' }),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      subject: 'S Globex <script>alert(1)</script> & Co',
      text: 'T Globex <script>alert(1)</script> & Co',
      html: '<p>Globex &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</p>',
    });
  });

  it('reports the settings problems by field', async () => {
    const bad = await api('PATCH', '/settings', { passwordMinLength: 7, invitationTtlSeconds: 'soon' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.fields).toEqual({
      passwordMinLength: 'passwordMinLength must be a whole number from 8 to 64 characters',
      invitationTtlSeconds: 'invitationTtlSeconds must be a whole number from 300 to 2592000 seconds',
    });
  });

  it('tells where mail goes and counts the organization’s mails by status', async () => {
    const status = await api('GET', '/mail-status');
    expect(status.statusCode).toBe(200);
    // The test system has no SMTP_URL and is not production: the development mailbox.
    expect(status.json()).toEqual({ transport: 'development', smtpServer: null, pending: 0, sent: 0, failed: 0 });

    await api('POST', '/invitations', { email: 'invitee@acme.test' });
    expect((await api('GET', '/mail-status')).json()).toMatchObject({ pending: 1, sent: 0 });
    await bed.system.mail.drain();
    expect((await api('GET', '/mail-status')).json()).toMatchObject({ pending: 0, sent: 1 });
    // Another organization's mail is not counted.
    const other = await scimClient(bed, 'initech');
    expect((await other.request('POST', '/Users', newUser('x@initech.test'))).statusCode).toBe(201);
    expect((await api('GET', '/mail-status', undefined, other, 'initech')).json()).toMatchObject({ pending: 0, sent: 0 });
  });

  it('names the SMTP server without its credentials', async () => {
    expect(smtpServer('smtp://mailer:s3cret-pass@mail.example.com:2525')).toBe('smtp://mail.example.com:2525');
    expect(smtpServer('smtps://u:p@mail.example.com')).toBe('smtps://mail.example.com:465');
    const smtpBed = await createScimTestBed({ env: { SMTP_URL: 'smtp://mailer:s3cret-pass@127.0.0.1:1' } });
    try {
      const client = await scimClient(smtpBed, 'acme');
      const res = await smtpBed.app.inject({ method: 'GET', url: '/t/acme/api/server/v1/mail-status', headers: { authorization: `Bearer ${client.token}` } });
      expect(res.json()).toEqual({ transport: 'smtp', smtpServer: 'smtp://127.0.0.1:1', pending: 0, sent: 0, failed: 0 });
      expect(res.body).not.toContain('s3cret');
      expect(res.body).not.toContain('mailer');
    } finally {
      await smtpBed.close();
    }
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await bed.app.inject({ method: 'GET', url: '/t/acme/api/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/server/v1/email-templates/{purpose}/preview', '/server/v1/mail-status', '/server/v1/audit-events']));
    expect(doc.paths['/server/v1/audit-events'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['action', 'actorId', 'targetId', 'from', 'to', 'cursor', 'limit']),
    );
  });

  it('needs the settings view scope', async () => {
    const reader = await scimClient(bed, 'umbrella', ['internal_user_mgt_list']);
    expect((await api('GET', '/mail-status', undefined, reader, 'umbrella')).statusCode).toBe(403);
    expect((await api('POST', '/email-templates/invitation/preview', {}, reader, 'umbrella')).statusCode).toBe(403);
  });
});
