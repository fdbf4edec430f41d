// Issue 17: with a slow SMTP server two dispatchers sent some mails twice: a batch is sent a
// few at a time, and the claim on its last mails ran out before their turn, so the other
// dispatcher claimed and sent them too. Each send now renews its lease when it starts, and a
// mail whose lease was lost is not sent. Real SMTP (slowed), two dispatchers, the real clock.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepos } from '../../src/repos/index.ts';
import { createMailDispatcher, isPermanentSmtpError } from '../../src/mail/dispatcher.ts';
import { createSmtpTransport } from '../../src/mail/smtp-transport.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { newUser } from '../support/scim.ts';
import { createOnboardingBed, WSO2_SCHEMA, type OnboardingBed } from './support.ts';

const LEASE_MS = 1_000;
const SEND_MS = 250;

describe('a slow SMTP server and two dispatchers', () => {
  let bed: OnboardingBed;

  beforeAll(async () => {
    // The system's own dispatcher stays idle: the two below do the sending.
    bed = await createOnboardingBed('slow');
  });
  afterAll(() => bed.close());

  it('sends each mail once when a batch takes longer than a lease', async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `slow${i}@slow.test`);
    for (const email of emails) {
      expect((await bed.scim.request('POST', '/Users', newUser(email, { [WSO2_SCHEMA]: { askPassword: true } }))).statusCode).toBe(201);
    }
    const { system } = bed.server;
    const secondDb = system.database.anotherPool(2);
    const transports = [createSmtpTransport(bed.smtp.url, system.config.publicUrl), createSmtpTransport(bed.smtp.url, system.config.publicUrl)];
    // One batch holds every mail, sent one at a time: the last starts ~11 sends after the claim,
    // far past its lease, while the other dispatcher polls for expired claims.
    const options = { leaseMs: LEASE_MS, batchSize: 12, concurrency: 1, idleMs: 50 };
    const dispatchers = [
      createMailDispatcher({ repos: system.repos, clock: systemClock, transport: transports[0], options }),
      createMailDispatcher({ repos: secondDb ? createRepos(secondDb) : system.repos, clock: systemClock, transport: transports[1], options }),
    ];
    bed.smtp.delayMs = SEND_MS;
    try {
      dispatchers[0].start();
      await new Promise((resolve) => setTimeout(resolve, 100));
      dispatchers[1].start();
      const deadline = Date.now() + 30_000;
      while (bed.smtp.received.filter((m) => m.to.endsWith('@slow.test')).length < emails.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Time for a duplicate to arrive, were one on its way.
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 2 * SEND_MS));
    } finally {
      await Promise.all(dispatchers.map((d) => d.stop()));
      bed.smtp.delayMs = 0;
      await Promise.all(transports.map((t) => t.close()));
      await secondDb?.destroy();
    }
    for (const email of emails) expect(bed.smtp.mailsTo(email), email).toHaveLength(1);
  });

  it('treats a 5xx reply as final and anything else as worth retrying', () => {
    expect(isPermanentSmtpError(Object.assign(new Error('no such user'), { responseCode: 550 }))).toBe(true);
    expect(isPermanentSmtpError(Object.assign(new Error('try later'), { responseCode: 451 }))).toBe(false);
    expect(isPermanentSmtpError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
  });
});
