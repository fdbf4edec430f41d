// One-time set-password links: single use under concurrency, expiry, the password policy, and
// an account that becomes active with its email verified.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { createTestSystem, type TestSystem } from '../support/system.ts';

class TestClock {
  current = new Date('2026-11-27T10:00:00Z');
  now = () => new Date(this.current);
  advance(seconds: number) {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

describe('set-password link', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let app: FastifyInstance;

  beforeAll(async () => {
    system = await createTestSystem({ clock });
    app = await buildApp(system, { logger: false });
  });
  afterAll(async () => {
    await app.close();
    await system.close();
  });

  async function invitedOwner(handle: string) {
    const created = await system.services.organizations.createOrganization(
      { handle, displayName: `Org ${handle}`, ownerEmail: `owner@${handle}.test` },
      SYSTEM_CONTEXT,
    );
    return { ...created, token: created.setPasswordLink!.token };
  }

  const post = (handle: string, form: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/t/${handle}/password/set`, payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  it('opens a page that names the account, and sets the password once', async () => {
    const { token, owner, organization } = await invitedOwner('linkone');
    const page = await app.inject({ method: 'GET', url: `/t/linkone/password/set?token=${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('owner@linkone.test');
    expect(page.headers['referrer-policy']).toBe('no-referrer');

    const done = await post('linkone', { token, password: 'a long enough passphrase', confirm: 'a long enough passphrase' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your password is set');
    // The owner is an administrator: the page leads on to the Console.
    expect(done.body).toContain('href="/t/linkone/console/"');

    const user = await system.repos.users.findById(organization.id, owner.id);
    expect(user).toMatchObject({ accountState: 'active', emailVerified: true, version: 2 });
    const again = await post('linkone', { token, password: 'another long passphrase', confirm: 'another long passphrase' });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('already been used');
  });

  it('lets exactly one of 20 parallel submissions of one link succeed', async () => {
    const { token } = await invitedOwner('linkrace');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post('linkrace', { token, password: `racing passphrase ${i}`, confirm: `racing passphrase ${i}` })),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 410)).toHaveLength(19);
  });

  it('says which password rule failed and keeps the link usable', async () => {
    const { token } = await invitedOwner('linkpolicy');
    const short = await post('linkpolicy', { token, password: 'short', confirm: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('at least 8 characters');
    const mismatch = await post('linkpolicy', { token, password: 'one long passphrase', confirm: 'another long passphrase' });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('do not match');
    const common = await post('linkpolicy', { token, password: 'password123', confirm: 'password123' });
    expect(common.body).toContain('Password is too easy to guess');
    const ok = await post('linkpolicy', { token, password: 'finally a good passphrase', confirm: 'finally a good passphrase' });
    expect(ok.statusCode).toBe(200);
  });

  it('expires after 24 hours', async () => {
    const { token } = await invitedOwner('linkexpiry');
    clock.advance(24 * 60 * 60 + 1);
    const page = await app.inject({ method: 'GET', url: `/t/linkexpiry/password/set?token=${token}` });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('expired');
  });

  it('is bound to its organization', async () => {
    const { token } = await invitedOwner('linkbound');
    await invitedOwner('linkother');
    const elsewhere = await app.inject({ method: 'GET', url: `/t/linkother/password/set?token=${token}` });
    expect(elsewhere.statusCode).toBe(410);
    const unknown = await app.inject({ method: 'GET', url: `/t/linkbound/password/set?token=nonsense` });
    expect(unknown.statusCode).toBe(410);
  });

  it('stores only a hash of the token', async () => {
    const { token } = await invitedOwner('linkhash');
    const rows = await system.db.selectFrom('one_time_links').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});
