// Attack pinned (issue 10 item 7): a reset link issued before a password change in My Account
// still set the password afterwards. Now any password change or reset voids every outstanding
// reset, invitation and verification link of the user, and every session and refresh token,
// except, for a change in My Account, the browser session the change was made from.

import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { linkIn } from '../support/smtp.ts';
import { newUser, PATCH_SCHEMA } from '../support/scim.ts';
import { pkcePair, REDIRECT_URI } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { createOnboardingBed, hiddenField, submit, type OnboardingBed } from './support.ts';

const FIRST = 'the first secret of the orchard';
const SECOND = 'the second secret of the orchard';
const THIRD = 'the third secret of the orchard';

describe('a new password ends the links and sessions of the old one', () => {
  let bed: OnboardingBed;
  const url = (path: string) => `${bed.server.baseUrl}/t/voids${path}`;

  beforeAll(async () => {
    bed = await createOnboardingBed('voids');
    await bed.server.system.services.settings.update(bed.orgId, { forceTemporaryPasswordChange: false }, SYSTEM_CONTEXT);
  });
  afterAll(() => bed.close());

  async function customer(email: string, password?: string) {
    const res = await bed.scim.request('POST', '/Users', newUser(email, password ? { password } : { [`urn:scim:wso2:schema`]: { askPassword: true } }));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function resetLink(email: string): Promise<string> {
    const browser = new TestBrowser(bed.server.baseUrl);
    const page = await browser.navigate(url('/password/forgot'));
    await submit(browser, url('/password/forgot'), { csrf: hiddenField(page.body, 'csrf'), email });
    await bed.deliver();
    return linkIn(bed.smtp.mailsTo(email).at(-1)!);
  }

  /** Signs in through the hosted page in `browser` (or reuses its session) and returns the tokens. */
  async function signIn(browser: TestBrowser, email: string, password: string) {
    const { verifier, challenge } = await pkcePair();
    const authorize = client.buildAuthorizationUrl(bed.rp, { redirect_uri: REDIRECT_URI, scope: 'openid internal_login', code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await browser.signIn(authorize.href, email, password);
    expect(page.location, page.body.slice(0, 300)).toMatch(/callback\?code=/);
    return bed.tokens(page.location!, verifier);
  }

  /** Whether the browser's session still signs it in without the password. */
  async function stillSignedIn(browser: TestBrowser): Promise<boolean> {
    const { challenge } = await pkcePair();
    const authorize = client.buildAuthorizationUrl(bed.rp, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await browser.navigate(authorize.href);
    return /callback\?code=/.test(page.location ?? '');
  }

  const changeInMyAccount = (accessToken: string, currentPassword: string, value: string) =>
    bed.server.app.inject({
      method: 'PATCH',
      url: '/t/voids/scim2/Me',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/scim+json' },
      payload: JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value }], currentPassword }),
    });

  async function useResetLink(link: string, password: string) {
    const browser = new TestBrowser(bed.server.baseUrl);
    const page = await browser.navigate(link);
    const token = hiddenField(page.body, 'token') || new URL(link).searchParams.get('token')!;
    return { page, done: await submit(browser, url('/password/reset'), { token, password, confirm: password }) };
  }

  it('voids a reset link issued before a change in My Account, keeps the session the change was made from, ends the others', async () => {
    await customer('ivy@voids.test', FIRST);
    const link = await resetLink('ivy@voids.test');
    const here = new TestBrowser(bed.server.baseUrl);
    const elsewhere = new TestBrowser(bed.server.baseUrl);
    const tokens = await signIn(here, 'ivy@voids.test', FIRST);
    const otherTokens = await signIn(elsewhere, 'ivy@voids.test', FIRST);

    const changed = await changeInMyAccount(tokens.access_token, FIRST, SECOND);
    expect(changed.statusCode, changed.body).toBe(200);

    const { page, done } = await useResetLink(link, THIRD);
    expect(page.status).toBe(410);
    expect(done.status).toBe(410);
    expect(await bed.server.system.services.signIn.authenticate(bed.orgId, 'ivy@voids.test', SECOND, SYSTEM_CONTEXT)).toMatchObject({ outcome: 'success' });

    expect(await stillSignedIn(here)).toBe(true);
    expect(await stillSignedIn(elsewhere)).toBe(false);
    for (const refresh of [tokens.refresh_token!, otherTokens.refresh_token!]) {
      await expect(client.refreshTokenGrant(bed.rp, refresh)).rejects.toMatchObject({ error: 'invalid_grant' });
    }
  });

  it('voids a pending invitation link when an administrator sets the password', async () => {
    const id = await customer('jay@voids.test');
    await bed.deliver();
    const invitation = linkIn(bed.smtp.mailsTo('jay@voids.test').at(-1)!);
    const set = await bed.scim.request('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: FIRST }] });
    expect(set.statusCode, set.body).toBe(200);
    const browser = new TestBrowser(bed.server.baseUrl);
    expect((await browser.navigate(invitation)).status).toBe(410);
  });

  it('voids an older reset link when the password is reset with a newer one, and ends every session', async () => {
    await customer('kai@voids.test', FIRST);
    const browser = new TestBrowser(bed.server.baseUrl);
    await signIn(browser, 'kai@voids.test', FIRST);
    const older = await resetLink('kai@voids.test');
    // Asking again makes the older link useless already; a reset with the newer one ends it too.
    const newer = await resetLink('kai@voids.test');
    expect((await useResetLink(newer, SECOND)).done.status).toBe(200);
    expect((await useResetLink(older, THIRD)).page.status).toBe(410);
    expect(await stillSignedIn(browser)).toBe(false);
  });

  it('voids a reset link when an administrator sets the password, and ends every session', async () => {
    const id = await customer('lea@voids.test', FIRST);
    const browser = new TestBrowser(bed.server.baseUrl);
    await signIn(browser, 'lea@voids.test', FIRST);
    const link = await resetLink('lea@voids.test');
    const set = await bed.scim.request('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: SECOND }] });
    expect(set.statusCode, set.body).toBe(200);
    expect((await useResetLink(link, THIRD)).page.status).toBe(410);
    expect(await stillSignedIn(browser)).toBe(false);
  });
});
