// Idempotency-Key on creates (issue 14 item 1): a double submit or a retried request creates one
// customer and sends one mail. The same key and body answer the first answer again; another body
// is a 422; a key still running is a 409; a failed request keeps no key; a key is forgotten after
// 24 hours; a malformed key is a 400. The race runs over real HTTP against two instances on one
// database (each with its own pool on PostgreSQL), as behind a load balancer.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createOnboardingBed, TestClock, type OnboardingBed } from '../onboarding/support.ts';
import { buildApp } from '../../src/app.ts';
import { openSystem } from '../../src/system.ts';
import type { Db } from '../../src/db/database.ts';
import { createPasswordHasher } from '../../src/security/password-hasher.ts';
import { freePort, TEST_ARGON2 } from '../support/system.ts';
import { registerApplication } from '../support/relying-party.ts';
import { tokenFor, newUser, GROUP_SCHEMA } from '../support/scim.ts';
import { API_SCOPES } from '../../src/oidc/scopes.ts';

const PARALLEL = 20;

describe('Idempotency-Key on creates', () => {
  const clock = new TestClock();
  let bed: OnboardingBed;
  let second: FastifyInstance;
  let secondDb: Db | undefined;
  let instances: string[];
  let ownerToken: string;

  beforeAll(async () => {
    bed = await createOnboardingBed('idem', { clock });
    const first = bed.server;
    secondDb = first.system.database.anotherPool();
    const system = await openSystem(first.system.config, { db: secondDb ?? first.system.db, migrate: false, hasher: createPasswordHasher(TEST_ARGON2), clock });
    second = await buildApp(system, { logger: false });
    const port = await freePort();
    await second.listen({ port, host: '127.0.0.1' });
    instances = [first.baseUrl, `http://127.0.0.1:${port}`];
    // An access token as the Console holds it after the owner signs in: its invitation answers carry the link.
    const consoleApp = await first.system.repos.applications.findBuiltIn(bed.orgId, 'console');
    const entry = (await first.system.providers.get('idem'))!;
    const client = await entry.provider.Client.find(consoleApp!.id);
    ownerToken = await new entry.provider.AccessToken({ accountId: bed.scim.owner.id, client: client!, scope: API_SCOPES.join(' '), grantId: 'grant-owner', gty: 'authorization_code' }).save();
  });
  afterAll(async () => {
    await second?.close();
    await secondDb?.destroy();
    await bed?.close();
  });

  const invite = (body: unknown, key?: string, token = ownerToken) =>
    bed.server.app.inject({
      method: 'POST',
      url: '/t/idem/api/server/v1/invitations',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key !== undefined && { 'idempotency-key': key }) },
      payload: JSON.stringify(body),
    });
  const scimCreate = (path: string, body: unknown, key: string) => bed.scim.request('POST', path, body, { 'idempotency-key': key });

  async function usersNamed(userName: string): Promise<number> {
    const res = await bed.scim.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    return res.json().totalResults;
  }
  async function mailsTo(recipient: string) {
    return (await bed.server.system.repos.outbox.list(bed.orgId, { limit: 200 })).filter((mail) => mail.recipient === recipient);
  }

  it('answers a repeated SCIM POST /Users with the first answer and creates one user', async () => {
    const key = randomUUID();
    const first = await scimCreate('/Users', newUser('ada@idem.test'), key);
    expect(first.statusCode, first.body).toBe(201);
    // Same body with its keys in another order and other spacing: the same request.
    const again = await scimCreate('/Users', `{ "userName": "ada@idem.test", "name": {"familyName":"Lee","givenName":"Ann"}, "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"] }`, key);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.body).toBe(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await usersNamed('ada@idem.test')).toBe(1);
  });

  it('answers a repeated invitation with the first answer: one user, one mail, and the link is not stored in clear', async () => {
    const key = randomUUID();
    const body = { email: 'bea@idem.test', givenName: 'Bea' };
    const first = await invite(body, key);
    expect(first.statusCode, first.body).toBe(201);
    const again = await invite(body, key);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await usersNamed('bea@idem.test')).toBe(1);
    expect(await mailsTo('bea@idem.test')).toHaveLength(1);
    // The answer holds the set-password link; the stored row does not (sealed under the key).
    const token = (first.json() as { link: string }).link.split('token=')[1];
    const rows = await bed.server.system.db.selectFrom('idempotency_keys').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(key);
  });

  it('refuses the same key with another body (422, in each surface\'s shape)', async () => {
    const key = randomUUID();
    expect((await invite({ email: 'cy@idem.test' }, key)).statusCode).toBe(201);
    const other = await invite({ email: 'cyd@idem.test' }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'idempotency.key_reused', message: expect.stringContaining('different request body') });
    expect(await usersNamed('cyd@idem.test')).toBe(0);

    const scimKey = randomUUID();
    expect((await scimCreate('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Gold' }, scimKey)).statusCode).toBe(201);
    const scimOther = await scimCreate('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Silver' }, scimKey);
    expect(scimOther.statusCode).toBe(422);
    expect(scimOther.json()).toMatchObject({ status: '422', detail: expect.stringContaining('different request body') });
  });

  it('scopes a key to its caller and endpoint: another client or another path with the same key is a new request', async () => {
    const key = randomUUID();
    expect((await scimCreate('/Users', newUser('dan@idem.test'), key)).statusCode).toBe(201);
    // Another endpoint, same caller, same key.
    expect((await scimCreate('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Dan' }, key)).statusCode).toBe(201);
    // Another caller, same endpoint, same key, another body: not a 422.
    const other = await registerApplication(bed.server.system, bed.orgId, { type: 'm2m', scopes: [...API_SCOPES] });
    const otherToken = await tokenFor(bed.server.app, 'idem', other.application.id, other.clientSecret!, API_SCOPES);
    const res = await bed.server.app.inject({
      method: 'POST',
      url: '/t/idem/scim2/Users',
      headers: { authorization: `Bearer ${otherToken}`, 'content-type': 'application/scim+json', 'idempotency-key': key },
      payload: JSON.stringify(newUser('dana@idem.test')),
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('keeps no key for a failed request, so a corrected retry with the same key runs', async () => {
    const key = randomUUID();
    const bad = await invite({ email: 'not-an-address' }, key);
    expect(bad.statusCode).toBe(400);
    const fixed = await invite({ email: 'eve@idem.test' }, key);
    expect(fixed.statusCode, fixed.body).toBe(201);
    expect(await usersNamed('eve@idem.test')).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['over 255 characters', 'k'.repeat(256)],
    ['not printable ASCII', 'tab\there'],
  ])('refuses a malformed key (%s) with a 400 and creates nothing', async (_what, key) => {
    const res = await invite({ email: 'fay@idem.test' }, key);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'request.invalid', message: expect.stringContaining('Idempotency-Key'), details: { header: 'Idempotency-Key' } });
    const scim = await scimCreate('/Users', newUser('fay@idem.test'), key);
    expect(scim.statusCode).toBe(400);
    expect(scim.json().detail).toContain('Idempotency-Key');
    expect(await usersNamed('fay@idem.test')).toBe(0);
  });

  it('accepts the key as a Structured Field string, as the draft writes it', async () => {
    const key = randomUUID();
    const first = await invite({ email: 'gil@idem.test' }, `"${key}"`);
    expect(first.statusCode).toBe(201);
    const again = await invite({ email: 'gil@idem.test' }, key);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it.each([1, 2, 3])(
    'lets %i. round of 20 parallel identical invitations over two instances create one user and one mail',
    async (round) => {
      const key = randomUUID();
      const email = `race${round}@idem.test`;
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, async (_, i) => {
          const response = await fetch(`${instances[i % 2]}/t/idem/api/server/v1/invitations`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify({ email, givenName: 'Race' }),
          });
          return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { userId?: string; code?: string } };
        }),
      );
      const created = results.filter((r) => r.status === 201);
      const busy = results.filter((r) => r.status === 409);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(created.length + busy.length, JSON.stringify(results.map((r) => r.status))).toBe(PARALLEL);
      // Every 201 is the one answer (first or replayed); every 409 says the key is still running.
      expect(new Set(created.map((r) => r.body.userId)).size).toBe(1);
      for (const r of busy) {
        expect(r.body.code).toBe('idempotency.in_progress');
        expect(r.retryAfter).toBe('1');
      }
      expect(await usersNamed(email)).toBe(1);
      expect(await mailsTo(email)).toHaveLength(1);
      // A retry after the race gets the answer.
      const retry = await invite({ email, givenName: 'Race' }, key);
      expect(retry.statusCode).toBe(201);
      expect(retry.json().userId).toBe(created[0].body.userId);
    },
    30_000,
  );

  it('documents the header in the OpenAPI document of the management API\'s creates', async () => {
    const res = await bed.server.app.inject({ method: 'GET', url: '/t/idem/api/openapi.json' });
    const paths = res.json().paths as Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
    for (const path of ['/server/v1/invitations', '/server/v1/applications', '/server/v1/administrators']) {
      expect(paths[path].post.parameters, path).toContainEqual(expect.objectContaining({ name: 'idempotency-key', in: 'header' }));
    }
  });
  // Last: it moves the clock on by days, past every token's lifetime.
  it('forgets a key after 24 hours, and housekeeping purges expired keys', async () => {
    const key = randomUUID();
    expect((await scimCreate('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Day one' }, key)).statusCode).toBe(201);
    clock.advance(24 * 60 * 60 - 5);
    expect((await scimCreate('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Day two' }, key)).statusCode).toBe(422);
    clock.advance(10);
    // The day is over: the key names a new request.
    const later = await scimCreate('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Day two' }, key);
    expect(later.statusCode, later.body).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();

    const { system } = bed.server;
    const count = async () => (await system.db.selectFrom('idempotency_keys').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = Number(await count());
    clock.advance(24 * 60 * 60 + 1);
    const purged = await system.repos.idempotency.deleteExpired(clock.now());
    expect(purged).toBe(before);
    expect(Number(await count())).toBe(0);
  });
});
