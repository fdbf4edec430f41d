// First run: no default credentials. A one-time link opens a page that creates the first
// organization and its owner, and then stops working.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createTestSystem, type TestSystem } from '../support/system.ts';

describe('first-run setup', () => {
  let system: TestSystem;
  let app: FastifyInstance;

  beforeAll(async () => {
    system = await createTestSystem();
    app = await buildApp(system, { logger: false });
  });
  afterAll(async () => {
    await app.close();
    await system.close();
  });

  const submit = (form: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/setup', payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  it('creates the first organization and owner through the one-time link, once', async () => {
    const stale = await system.services.firstRun.issueLinkIfUnset();
    const token = (await system.services.firstRun.issueLinkIfUnset())!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // A restart issues a new link and the old one stops working.
    const old = await app.inject({ method: 'GET', url: `/setup?token=${stale}` });
    expect(old.statusCode).toBe(410);

    const page = await app.inject({ method: 'GET', url: `/setup?token=${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Create your organization');

    const badHandle = await submit({ token, name: 'Acme', handle: 'Acme Corp', email: 'owner@acme.test', password: 'a long enough passphrase' });
    expect(badHandle.statusCode).toBe(400);
    expect(badHandle.body).toContain('Invalid handle');
    expect(badHandle.body).toContain('value="owner@acme.test"');

    const created = await submit({ token, name: 'Acme', handle: 'acme', email: 'Owner@Acme.test', password: 'a long enough passphrase' });
    expect(created.statusCode).toBe(201);
    const org = await system.repos.organizations.findByHandle('acme');
    const owner = await system.repos.users.findByUserName(org!.id, 'owner@acme.test');
    expect(owner).toMatchObject({ userType: 'administrator', adminRole: 'owner', accountState: 'active' });

    const reused = await submit({ token, name: 'Again', handle: 'again', email: 'x@again.test', password: 'a long enough passphrase' });
    expect(reused.statusCode).toBe(410);
    expect(await system.repos.organizations.findByHandle('again')).toBeUndefined();
    expect(await system.services.firstRun.issueLinkIfUnset()).toBeUndefined();
  });

  it('lets exactly one of 20 parallel submissions of the link create an organization', async () => {
    const fresh = await createTestSystem();
    const freshApp = await buildApp(fresh, { logger: false });
    try {
      const token = (await fresh.services.firstRun.issueLinkIfUnset())!;
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          freshApp
            .inject({
              method: 'POST',
              url: '/setup',
              payload: new URLSearchParams({ token, name: `Race ${i}`, handle: `race-${i}`, email: `owner@race-${i}.test`, password: 'a long enough passphrase' }).toString(),
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            })
            .then((r) => r.statusCode),
        ),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 410)).toHaveLength(19);
      const created = await Promise.all(Array.from({ length: 20 }, (_, i) => fresh.repos.organizations.findByHandle(`race-${i}`)));
      expect(created.filter(Boolean)).toHaveLength(1);
    } finally {
      await freshApp.close();
      await fresh.close();
    }
  });

  it('refuses a missing or made-up token', async () => {
    expect((await app.inject({ method: 'GET', url: '/setup' })).statusCode).toBe(410);
    expect((await app.inject({ method: 'GET', url: '/setup?token=abc' })).statusCode).toBe(410);
  });
});
