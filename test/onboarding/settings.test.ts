// Organization settings through the management API: defaults, validation that names each
// problem, scopes, the password minimum applied to every password path, and the first-run
// organization's self-registration.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, type ScimTestBed } from '../support/scim.ts';
import { DEFAULT_SETTINGS } from '../../src/repos/settings-repo.ts';

describe('organization settings API', () => {
  let bed: ScimTestBed;
  let admin: Awaited<ReturnType<typeof scimClient>>;

  beforeAll(async () => {
    bed = await createScimTestBed();
    admin = await scimClient(bed, 'conf');
  });
  afterAll(() => bed.close());

  const call = (token: string, method: 'GET' | 'PATCH', body?: unknown, handle = 'conf') =>
    bed.app.inject({
      method,
      url: `/t/${handle}/api/server/v1/settings`,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });

  it('answers the defaults for an organization that never changed them', async () => {
    const res = await call(admin.token, 'GET');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS).toMatchObject({
      selfRegistrationEnabled: false,
      selfRegistrationActivateImmediately: false,
      invitationTtlSeconds: 86400,
      temporaryPasswordTtlSeconds: 7 * 86400,
      forceTemporaryPasswordChange: true,
      passwordMinLength: 8,
      sendActivationMail: false,
    });
  });

  it('changes only what is given, and reports every bad value', async () => {
    const changed = await call(admin.token, 'PATCH', { passwordMinLength: 12, selfRegistrationEnabled: true });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ passwordMinLength: 12, selfRegistrationEnabled: true, invitationTtlSeconds: 86400 });
    const bad = await call(admin.token, 'PATCH', { passwordMinLength: 65, selfRegistrationEnabled: 'yes', colour: 'blue' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'request.invalid', requestId: expect.any(String) });
    expect(bad.json().details.problems).toEqual([
      'passwordMinLength must be a whole number from 8 to 64 characters',
      'selfRegistrationEnabled must be true or false',
      expect.stringContaining('colour is not a setting'),
    ]);
    const audit = await bed.system.repos.audit.listForOrganization(admin.organization.id, 20);
    expect(audit.find((e) => e.action === 'organization.settings_updated')).toBeDefined();
  });

  it('applies the minimum length to passwords an administrator gives', async () => {
    const res = await admin.request('POST', '/Users', newUser('short@conf.test', { password: 'eleven chrs' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toBe('Password must be at least 12 characters long');
    expect((await admin.request('POST', '/Users', newUser('long@conf.test', { password: 'twelve chars' }))).statusCode).toBe(201);
  });

  it('needs the settings scopes, and a token of this organization', async () => {
    const reader = await scimClient(bed, 'conf2', ['internal_org_settings_view']);
    expect((await call(reader.token, 'GET', undefined, 'conf2')).statusCode).toBe(200);
    const refused = await call(reader.token, 'PATCH', { passwordMinLength: 10 }, 'conf2');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('auth.forbidden');
    // conf2's token is worth nothing at conf.
    const elsewhere = await bed.app.inject({ method: 'GET', url: '/t/conf/api/server/v1/settings', headers: { authorization: `Bearer ${reader.token}` } });
    expect(elsewhere.statusCode).toBe(401);
  });
});

describe('the first-run organization', () => {
  it('offers self-registration', async () => {
    const { createTestSystem } = await import('../support/system.ts');
    const { SYSTEM_CONTEXT } = await import('../../src/services/request-context.ts');
    const system = await createTestSystem();
    try {
      const token = (await system.services.firstRun.issueLinkIfUnset())!;
      const { organization } = await system.services.firstRun.complete(
        token,
        { handle: 'first', displayName: 'First', ownerEmail: 'owner@first.test', ownerPassword: 'correct horse battery staple' },
        SYSTEM_CONTEXT,
      );
      expect((await system.services.settings.get(organization.id)).selfRegistrationEnabled).toBe(true);
    } finally {
      await system.close();
    }
  });
});
