// The outbox against a real SMTP server: a mail exists exactly when its change commits; SMTP
// down then up again loses nothing and sends nothing twice; a sender that dies holding a lease
// delays a mail but does not lose it; two dispatchers on one database send each mail once;
// a mail refused with a 5xx is marked failed with the reason at once and can be resent; templates
// escape values and let nothing become a header.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepos } from '../../src/repos/index.ts';
import { createMailDispatcher } from '../../src/mail/dispatcher.ts';
import { createSmtpTransport } from '../../src/mail/smtp-transport.ts';
import { newUser } from '../support/scim.ts';
import { createOnboardingBed, TestClock, WSO2_SCHEMA, type OnboardingBed } from './support.ts';

describe('outbox and dispatcher', () => {
  const clock = new TestClock();
  let bed: OnboardingBed;

  beforeAll(async () => {
    bed = await createOnboardingBed('mail', { clock, mail: { backoffMs: 60_000, maxAttempts: 3, leaseMs: 120_000, batchSize: 5 } });
  });
  afterAll(() => bed.close());

  async function invite(email: string, extra: Record<string, unknown> = {}) {
    const res = await bed.scim.request('POST', '/Users', newUser(email, { [WSO2_SCHEMA]: { askPassword: true }, ...extra }));
    return res;
  }

  const outboxRows = () => bed.server.system.db.selectFrom('outbox').selectAll().execute();

  it('writes the mail in the same transaction as the change: a failed create leaves neither', async () => {
    const before = (await outboxRows()).length;
    const res = await invite('rollback@mail.test', { groups: [{ value: 'no-such-group' }] });
    expect(res.statusCode).toBe(400);
    expect(await bed.server.system.repos.users.findByUserName(bed.orgId, 'rollback@mail.test')).toBeUndefined();
    expect((await outboxRows()).length).toBe(before);
  });

  it('loses nothing and sends nothing twice when SMTP is down, then up again', async () => {
    await bed.smtp.stop();
    const emails = ['down1@mail.test', 'down2@mail.test', 'down3@mail.test'];
    const ids: string[] = [];
    for (const email of emails) ids.push((await invite(email)).json().id);
    await bed.deliver();
    const deferred = (await bed.api('GET', '/mails?status=pending')).json.mails;
    expect(deferred).toHaveLength(3);
    for (const mail of deferred) {
      expect(mail.attempts).toBe(1);
      expect(mail.lastError).toMatch(/ECONNREFUSED|connect/i);
    }
    // Not due yet: nothing is tried again before the backoff.
    expect(await bed.server.system.mail.runOnce()).toBe(0);

    await bed.smtp.start();
    clock.advance(61);
    await bed.deliver();
    for (const email of emails) expect(bed.smtp.mailsTo(email)).toHaveLength(1);
    const sent = (await bed.api('GET', `/mails?userId=${ids[0]}`)).json.mails[0];
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 });
    // Sent mails no longer hold their link.
    const row = (await outboxRows()).find((r) => r.id === sent.id)!;
    expect(row.text_body).toBeNull();
    expect(row.html_body).toBeNull();
    clock.advance(3600);
    await bed.deliver();
    for (const email of emails) expect(bed.smtp.mailsTo(email)).toHaveLength(1);
  });

  it('sends a mail whose sender died holding its lease once the lease runs out', async () => {
    await invite('orphan@mail.test');
    const now = clock.now();
    // A dispatcher claims it and dies before sending.
    const claimed = await bed.server.system.repos.outbox.claimDue(now, new Date(now.getTime() + 120_000), 'crashed-instance', 10);
    expect(claimed.map((m) => m.recipient)).toEqual(['orphan@mail.test']);
    await bed.deliver();
    expect(bed.smtp.mailsTo('orphan@mail.test')).toHaveLength(0);
    clock.advance(121);
    await bed.deliver();
    expect(bed.smtp.mailsTo('orphan@mail.test')).toHaveLength(1);
    // The dead instance's late report changes nothing.
    expect(await bed.server.system.repos.outbox.markSent(claimed[0].id, 'crashed-instance', clock.now())).toBe(false);
  });

  it('claims at most its batch (regression: an IN subquery with SKIP LOCKED claimed every due row on PostgreSQL)', async () => {
    for (const email of ['batch1@mail.test', 'batch2@mail.test', 'batch3@mail.test']) await invite(email);
    const now = clock.now();
    const first = await bed.server.system.repos.outbox.claimDue(now, new Date(now.getTime() + 1000), 'lease-a', 2);
    expect(first).toHaveLength(2);
    const second = await bed.server.system.repos.outbox.claimDue(now, new Date(now.getTime() + 1000), 'lease-b', 2);
    expect(second.map((m) => m.id)).not.toContain(first[0].id);
    expect(second).toHaveLength(1);
    clock.advance(2);
    await bed.deliver();
  });

  it('sends each mail once with two dispatchers on one database', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `pair${i}@mail.test`);
    for (const email of emails) expect((await invite(email)).statusCode).toBe(201);
    const { system } = bed.server;
    // The second instance: its own connection pool on PostgreSQL; SQLite has one connection.
    const secondDb = system.database.anotherPool();
    const secondRepos = secondDb ? createRepos(secondDb) : system.repos;
    const transport = createSmtpTransport(bed.smtp.url, system.config.publicUrl);
    const second = createMailDispatcher({ repos: secondRepos, clock, transport, options: { batchSize: 3 } });
    await secondRepos.ping();
    bed.smtp.delayMs = 20;
    try {
      const [a, b] = await Promise.all([system.mail.drain(), second.drain()]);
      expect(a + b).toBe(30);
      if (secondDb) expect(Math.min(a, b)).toBeGreaterThan(0);
    } finally {
      bed.smtp.delayMs = 0;
      await transport.close();
      await secondDb?.destroy();
    }
    for (const email of emails) expect(bed.smtp.mailsTo(email)).toHaveLength(1);
    const ids = bed.smtp.received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('marks a mail failed with the reason at a permanent 5xx, without retrying, and a failed invitation can be resent', async () => {
    bed.smtp.refuseRecipients = 'Mailbox unavailable';
    const { id } = (await invite('bounce@mail.test')).json();
    await bed.deliver();
    clock.advance(3600);
    await bed.deliver();
    const [failed] = (await bed.api('GET', `/mails?userId=${id}`)).json.mails;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, purpose: 'invitation' });
    expect(failed.lastError).toContain('550');
    expect((await bed.api('GET', `/mails/${failed.id}`)).json.status).toBe('failed');
    const audit = (await bed.server.system.repos.audit.listForOrganization(bed.orgId, 500)).find((e) => e.action === 'mail.failed' && e.targetId === failed.id);
    expect(audit?.after).toMatchObject({ reason: expect.stringContaining('550') });

    bed.smtp.refuseRecipients = undefined;
    const resent = await bed.api('POST', `/users/${id}/invitation`, {});
    expect(resent.status).toBe(200);
    await bed.deliver();
    expect(bed.smtp.mailsTo('bounce@mail.test').map((m) => m.subject)).toEqual(['Reminder: your invitation to Mail']);
  });

  it('escapes values in HTML and lets no value become a header', async () => {
    const put = await bed.api('PUT', '/email-templates/invitation', {
      subject: 'Welcome {{name}} to {{organizationName}}',
      text: 'Hi {{name}}: {{link}} (until {{expiresAt}})',
      html: '<p>Hi {{name}}: <a href="{{link}}">set password</a></p>',
    });
    expect(put.status).toBe(200);
    const res = await invite('eve@mail.test', { name: { givenName: 'Eve\r\nBcc: evil@attacker.test\r\nX-Evil: 1 <script>', familyName: 'X' } });
    expect(res.statusCode, res.body).toBe(201);
    await bed.deliver();
    const [mail] = bed.smtp.mailsTo('eve@mail.test');
    expect(mail.headerNames).not.toContain('bcc');
    expect(mail.headerNames).not.toContain('x-evil');
    expect(mail.subject).toBe('Welcome Eve Bcc: evil@attacker.test X-Evil: 1 <script> to Mail');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.html).not.toContain('<script>');
    expect(bed.smtp.received.some((m) => m.to.includes('attacker'))).toBe(false);

    const bad = await bed.api('PUT', '/email-templates/invitation', { subject: 'Hi\r\nBcc: x@y.test', text: 'x {{link}}', html: '<p>{{nope}}</p>' });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain('subject must be a single line');
    expect(bad.json.message).toContain('unknown placeholder {{nope}}');
    const reset = await bed.api('DELETE', '/email-templates/invitation');
    expect(reset.json).toMatchObject({ customized: false, subject: 'You are invited to {{organizationName}}' });
  });
});
