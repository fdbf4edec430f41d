// Development mail: with no SMTP_URL, mails are kept in the database, listed at /dev/mailbox
// with their links (also logged when sent), so an invitation can be finished with the server
// alone. The page exists only when chosen (SMTP_URL=dev:) or on a loopback SQLite server, and
// answers only loopback connections (issue 10 item 6; the configuration rules in
// src/mail/delivery.test.ts).

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

  it('does not exist in production, where mails wait in the outbox and this node never claims them', async () => {
    const { system, app, organization } = await bed({ NODE_ENV: 'production' });
    expect(system.mail.transport.kind).toBe('none');
    expect((await app.inject({ method: 'GET', url: '/dev/mailbox' })).statusCode).toBe(404);
    await system.services.users.createUser(organization, { userName: 'prod@devbox.test', askPassword: true }, SYSTEM_CONTEXT);
    expect(await system.mail.runOnce()).toBe(0);
    const [mail] = await system.repos.outbox.list(organization.id, { limit: 10 });
    expect(mail).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('is not used unasked when PUBLIC_URL is not a loopback address', async () => {
    const { system, app } = await bed({ PUBLIC_URL: 'https://id.example.com' });
    expect(system.mail.transport.kind).toBe('none');
    expect((await app.inject({ method: 'GET', url: '/dev/mailbox' })).statusCode).toBe(404);
  });

  it('is used when SMTP_URL=dev: asks for it, whatever PUBLIC_URL says', async () => {
    const { system } = await bed({ SMTP_URL: 'dev:', PUBLIC_URL: 'https://id.example.com' });
    expect(system.mail.transport.kind).toBe('development');
  });

  it('answers only connections from this machine that no proxy forwarded', async () => {
    const { app } = await bed();
    expect((await app.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress: '10.0.0.5' })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/dev/mailbox/anything', remoteAddress: '192.168.1.9' })).statusCode).toBe(403);
    const forwarded = await app.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(forwarded.statusCode).toBe(403);
  });
});
