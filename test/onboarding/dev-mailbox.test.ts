// Development mail: with no SMTP_URL, mails are kept in the database, listed at /dev/mailbox
// with their links (also logged when sent), so an invitation can be finished with the server
// alone. The page does not exist when SMTP_URL is set or NODE_ENV=production.

import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { createOrganization, createTestSystem } from '../support/system.ts';

describe('development mailbox', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  async function bed(env: Record<string, string> = {}) {
    const system = await createTestSystem({ env });
    const app = await buildApp(system, { logger: false });
    closers.push(async () => {
      await app.close();
      await system.close();
    });
    const { organization } = await createOrganization(system, 'devbox');
    return { system, app, organization };
  }

  it('keeps mails, lists them with their links, and logs the links when sending', async () => {
    const { system, app, organization } = await bed();
    expect(system.mail.transport.kind).toBe('development');
    await system.services.users.createUser(organization, { userName: 'newbie@devbox.test', askPassword: true }, SYSTEM_CONTEXT);

    const logged: Array<Record<string, unknown>> = [];
    system.mail.start({ info: (fields) => logged.push(fields), warn: () => {} });
    for (let i = 0; i < 50 && logged.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    await system.mail.stop();
    expect(logged[0]).toMatchObject({ to: 'newbie@devbox.test', links: [expect.stringContaining('/t/devbox/password/set?token=')] });

    const list = await app.inject({ method: 'GET', url: '/dev/mailbox' });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-security-policy']).toContain("default-src 'none'");
    expect(list.body).toContain('You are invited to Devbox');
    const href = /href="(\/dev\/mailbox\/[^"]+)"/.exec(list.body)![1];
    const mail = await app.inject({ method: 'GET', url: href });
    expect(mail.statusCode).toBe(200);
    const link = new URL(/href="(http[^"]+token=[^"]+)"/.exec(mail.body)![1]);
    expect(link.href).toBe((logged[0].links as string[])[0]);

    const token = link.searchParams.get('token')!;
    const done = await app.inject({
      method: 'POST',
      url: link.pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token, password: 'newcomer passphrase', confirm: 'newcomer passphrase' }).toString(),
    });
    expect(done.statusCode).toBe(200);
    expect((await system.repos.outbox.list(organization.id, { limit: 10 }))[0].status).toBe('sent');
  });

  it('does not exist when SMTP_URL is set', async () => {
    const { app } = await bed({ SMTP_URL: 'smtp://127.0.0.1:9' });
    expect((await app.inject({ method: 'GET', url: '/dev/mailbox' })).statusCode).toBe(404);
  });

  it('does not exist in production, where mails wait in the outbox for SMTP_URL', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const { system, app, organization } = await bed();
      expect((await app.inject({ method: 'GET', url: '/dev/mailbox' })).statusCode).toBe(404);
      await system.services.users.createUser(organization, { userName: 'prod@devbox.test', askPassword: true }, SYSTEM_CONTEXT);
      await system.mail.runOnce();
      const [mail] = await system.repos.outbox.list(organization.id, { limit: 10 });
      expect(mail).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('SMTP_URL is not set') });
    } finally {
      process.env.NODE_ENV = previous;
    }
  });
});
