// POST /server/v1/password-policy/check (issue 14 item 2): the Console asks about a temporary
// password when its field is left. The answer follows the organization's own minimum, lists every
// rule broken, and is the same for an existing and an unknown userName (it reveals no user).
// Scope-checked, and bad bodies get a 400 that names what is wrong.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createScimTestBed, scimClient, type ScimTestBed } from '../support/scim.ts';
import { createCustomer } from '../support/system.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

describe('password policy check API', () => {
  let bed: ScimTestBed;
  let acme: Client;
  let viewerOnly: Client;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
    viewerOnly = await scimClient(bed, 'globex', ['internal_user_mgt_view']);
    await createCustomer(bed.system, acme.organization, 'taken.person@example.test', 'violet tractor umbrella');
  });
  afterAll(() => bed.close());

  const check = (body: unknown, client: Client = acme, handle = 'acme'): Promise<LightMyRequestResponse> =>
    bed.app.inject({
      method: 'POST',
      url: `/t/${handle}/api/server/v1/password-policy/check`,
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('accepts a strong passphrase and refuses a guessable one, in words for people', async () => {
    const good = await check({ password: 'violet harbor lantern 17', userName: 'new.person@example.test' });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toEqual({ acceptable: true, problems: [] });

    const weak = await check({ password: 'password1234', userName: 'new.person@example.test' });
    expect(weak.statusCode, weak.body).toBe(200);
    expect(weak.json()).toEqual({ acceptable: false, problems: [expect.stringMatching(/^Password is too easy to guess/)] });
  });

  it('lists every rule broken: built on the email and on the organization name', async () => {
    const res = await check({ password: 'annabel acme 9 river', userName: 'Annabel@example.test' });
    expect(res.json()).toEqual({
      acceptable: false,
      problems: ['Password must not contain your email address', 'Password must not contain the organization name'],
    });
  });

  it("follows the organization's own minimum length", async () => {
    const patch = await bed.app.inject({
      method: 'PATCH',
      url: '/t/acme/api/server/v1/settings',
      headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ passwordMinLength: 30 }),
    });
    expect(patch.statusCode, patch.body).toBe(200);
    try {
      expect((await check({ password: 'violet harbor lantern 17' })).json()).toEqual({
        acceptable: false,
        problems: ['Password must be at least 30 characters long'],
      });
    } finally {
      await bed.app.inject({
        method: 'PATCH',
        url: '/t/acme/api/server/v1/settings',
        headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ passwordMinLength: 8 }),
      });
    }
  });

  it('answers alike for an existing and an unknown user: nothing about users is revealed', async () => {
    for (const password of ['violet harbor lantern 17', 'password1234', 'short']) {
      const existing = await check({ password, userName: 'taken.person@example.test' });
      const unknown = await check({ password, userName: 'nobody.here@example.test' });
      expect(existing.statusCode).toBe(200);
      expect(existing.json()).toEqual(unknown.json());
    }
  });

  it('refuses a caller without the scope to create users', async () => {
    const res = await check({ password: 'violet harbor lantern 17' }, viewerOnly, 'globex');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('auth.forbidden');
  });

  it('says what is wrong with a bad body', async () => {
    const missing = await check({ userName: 'a@example.test' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/password/);
    const extra = await check({ password: 'violet harbor lantern 17', role: 'admin' });
    expect(extra.statusCode).toBe(400);
    const huge = await check({ password: 'x'.repeat(5000) });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().message).toMatch(/password/);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await bed.app.inject({ method: 'GET', url: '/t/acme/api/openapi.json' })).json();
    expect(doc.paths['/server/v1/password-policy/check'].post.summary).toMatch(/password policy/);
  });
});
