// Temporary passwords: a password given on create to be changed (SCIM POST /Users with password
// and forcePasswordReset; a person's is temporary by default, test/scim/password-permanence.test.ts). Signing in with it shows only a forced change, with no code for the
// application; the new password must differ; the temporary one expires after the
// organization's TTL (7 days by default); the organization can turn the rule off.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser } from '../support/scim.ts';
import { createOnboardingBed, WSO2_SCHEMA, expectCode, expectNoCode, formAction, hiddenField, submit, TestClock, type OnboardingBed } from './support.ts';

const TEMPORARY = 'temporary passphrase 1';
const CHOSEN = 'my very own passphrase';

describe('temporary password', () => {
  const clock = new TestClock();
  let bed: OnboardingBed;

  beforeAll(async () => {
    bed = await createOnboardingBed('tpw', { clock });
  });
  afterAll(() => bed.close());

  async function create(email: string) {
    const res = await bed.scim.request('POST', '/Users', newUser(email, { password: TEMPORARY, [WSO2_SCHEMA]: { forcePasswordReset: true } }));
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }

  it('leads the first sign-in only to a forced change, then signs in with the new password', async () => {
    const id = await create('tina@tpw.test');
    const forced = await bed.signIn('tina@tpw.test', TEMPORARY);
    expectNoCode(forced);
    expect(forced.status).toBe(200);
    expect(forced.body).toContain('Choose your own password');
    const action = new URL(formAction(forced.body), bed.server.baseUrl).href;
    const token = hiddenField(forced.body, 'token');

    // The temporary password cannot be reused as the new one.
    const reused = await submit(forced.browser, action, { token, password: TEMPORARY, confirm: TEMPORARY });
    expect(reused.status).toBe(400);
    expect(reused.body).toContain('must differ from the temporary one');
    expectNoCode(reused);

    // The change finishes the same sign-in request: the application gets its code, no second sign-in.
    const changed = await submit(forced.browser, action, { token, password: CHOSEN, confirm: CHOSEN });
    const tokens = await bed.tokens(expectCode(changed), forced.verifier);
    expect(tokens.claims()!.sub).toBe(id);
    expect(tokens.claims()!.amr).toEqual(['pwd']);
    // And the new password is the one that signs in from now on.
    expectCode(await bed.signIn('tina@tpw.test', CHOSEN));

    // The temporary password is gone; the change link was single-use.
    expectNoCode(await bed.signIn('tina@tpw.test', TEMPORARY));
    expect((await submit(forced.browser, action, { token, password: 'another passphrase 2', confirm: 'another passphrase 2' })).status).toBeGreaterThanOrEqual(400);
    const credential = await bed.server.system.repos.credentials.findPassword(bed.orgId, id);
    expect(credential).toMatchObject({ isTemporary: false, expiresAt: null });
    const actions = (await bed.server.system.repos.audit.listForOrganization(bed.orgId, 100)).filter((e) => e.targetId === id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'sign_in.password_change_required', 'user.password_changed', 'sign_in.succeeded']));
  });

  it('expires after seven days', async () => {
    await create('late@tpw.test');
    clock.advance(7 * 24 * 60 * 60 + 1);
    const page = await bed.signIn('late@tpw.test', TEMPORARY);
    expectNoCode(page);
    expect(page.status).toBe(403);
    expect(page.body).toContain('temporary password has expired');
  });

  it('is an ordinary password when the organization turns the rule off', async () => {
    // A fresh token: the clock moved a week on.
    const bed2 = await createOnboardingBed('tpwtwo');
    try {
      expect((await bed2.api('PATCH', '/settings', { forceTemporaryPasswordChange: false })).status).toBe(200);
      const res = await bed2.scim.request('POST', '/Users', newUser('plain@tpwtwo.test', { password: TEMPORARY }));
      expect(res.statusCode).toBe(201);
      expect(res.json()[WSO2_SCHEMA].temporaryPassword).toBe(false);
      expectCode(await bed2.signIn('plain@tpwtwo.test', TEMPORARY));
    } finally {
      await bed2.close();
    }
  });
});
