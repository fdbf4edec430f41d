// /Me with the access token of a user who really signed in (openid-client as a single-page
// app, the hosted sign-in page over HTTP): reading and editing one's own account, changing
// one's password by proving the current one, and what a user may not do to themselves.

import { SIGN_IN_LIMITS } from '../../src/services/sign-in-limits.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startTestServer, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, registerApplication, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';
import { scimClient, newUser, PATCH_SCHEMA, USER_SCHEMA } from '../support/scim.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

type Json = Record<string, any>;

const WSO2 = 'urn:scim:wso2:schema';
const HANDLE = 'meorg';
const PASSWORD = 'a long and private passphrase';

function patch(...operations: Json[]) {
  return { schemas: [PATCH_SCHEMA], Operations: operations };
}

describe('SCIM /Me', () => {
  let server: RunningServer;
  let admin: Awaited<ReturnType<typeof scimClient>>;
  let spaClientId: string;

  /** Signs the user in through the hosted page and returns their access token. */
  async function signIn(email: string, password: string, scope = 'openid internal_login'): Promise<string> {
    const config = await relyingParty(server.baseUrl, HANDLE, spaClientId);
    const { verifier, challenge } = await pkcePair();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope, code_challenge: challenge, code_challenge_method: 'S256', state });
    const result = await new TestBrowser(server.baseUrl).signIn(url.href, email, password);
    if (!result.location?.startsWith(REDIRECT_URI)) throw new Error(`sign-in as ${email} failed: ${result.status} ${result.body.slice(0, 200)}`);
    const tokens = await client.authorizationCodeGrant(config, new URL(result.location), { pkceCodeVerifier: verifier, expectedState: state });
    return tokens.access_token;
  }

  function me(token: string, method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE' = 'GET', body?: unknown) {
    return server.app.inject({
      method,
      url: `/t/${HANDLE}/scim2/Me`,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/scim+json' }) },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });
  }

  /** A customer with a password, created through SCIM. */
  async function createCustomer(email: string): Promise<string> {
    const res = await admin.request('POST', '/Users', newUser(email, { password: PASSWORD, name: { givenName: 'Mia', familyName: 'Moe' } }));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function adminView(id: string): Promise<Json> {
    const res = await admin.request('GET', `/Users/${id}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  beforeAll(async () => {
    server = await startTestServer();
    admin = await scimClient({ system: server.system, app: server.app, close: async () => {} }, HANDLE);
    spaClientId = (await registerApplication(server.system, admin.organization.id, { type: 'spa' })).application.id;
    // Passwords an administrator sets are temporary by default (a forced change at the first
    // sign-in); this organization lets its customers keep them, so they sign in directly.
    await server.system.services.settings.update(admin.organization.id, { forceTemporaryPasswordChange: false }, SYSTEM_CONTEXT);
  });
  afterAll(() => server.stop());

  describe('reading and editing', () => {
    let userId: string;
    let token: string;

    beforeAll(async () => {
      userId = await createCustomer('mia@meorg.test');
      token = await signIn('mia@meorg.test', PASSWORD);
    });

    it('GET /Me returns the signed-in user, with an ETag and no password', async () => {
      const res = await me(token);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      const body = res.json();
      expect(body).toMatchObject({ id: userId, userName: 'mia@meorg.test', name: { givenName: 'Mia', familyName: 'Moe' }, active: true });
      expect(body.schemas).toContain(USER_SCHEMA);
      expect(body).not.toHaveProperty('password');
      expect(res.headers.etag).toBe(body.meta.version);
      // Not the organization's owner, nor anyone else.
      expect(body.id).not.toBe(admin.owner.id);
    });

    it('PATCH /Me changes the given name', async () => {
      const res = await me(token, 'PATCH', patch({ op: 'replace', path: 'name.givenName', value: 'Maya' }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().name).toMatchObject({ givenName: 'Maya', familyName: 'Moe' });
      expect(res.headers.etag).toBe(res.json().meta.version);
      expect((await me(token)).json().name.givenName).toBe('Maya');
      expect((await adminView(userId)).name.givenName).toBe('Maya');
    });

    it('PUT /Me replaces the profile, but not the userName (400 mutability)', async () => {
      const current = (await me(token)).json();
      const res = await me(token, 'PUT', { schemas: [USER_SCHEMA], userName: 'mia@meorg.test', name: { givenName: 'Mia', familyName: 'Moore' }, displayName: 'Mia M.' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id: userId, name: { givenName: 'Mia', familyName: 'Moore' }, displayName: 'Mia M.', active: true });
      expect(res.json().meta.version).not.toBe(current.meta.version);

      const rename = await me(token, 'PUT', { schemas: [USER_SCHEMA], userName: 'someone.else@meorg.test' });
      expect(rename.statusCode).toBe(400);
      expect(rename.json().scimType).toBe('mutability');
      const renamePatch = await me(token, 'PATCH', patch({ op: 'replace', path: 'userName', value: 'someone.else@meorg.test' }));
      expect(renamePatch.statusCode).toBe(400);
      expect(renamePatch.json().scimType).toBe('mutability');
      expect((await me(token)).json().userName).toBe('mia@meorg.test');
    });

    it('honours If-Match (412 on a stale version)', async () => {
      const res = await server.app.inject({
        method: 'PATCH',
        url: `/t/${HANDLE}/scim2/Me`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', 'if-match': 'W/"1"' },
        payload: JSON.stringify(patch({ op: 'replace', path: 'name.givenName', value: 'Stale' })),
      });
      expect(res.statusCode).toBe(412);
      expect((await me(token)).json().name.givenName).not.toBe('Stale');
    });

    it('refuses PATCH errors in the RFC shape, as on /Users', async () => {
      const res = await me(token, 'PATCH', patch({ op: 'remove' }));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: '400', scimType: 'noTarget' });
    });
  });

  describe('what a user may not do to themselves', () => {
    let userId: string;
    let token: string;

    beforeAll(async () => {
      userId = await createCustomer('self@meorg.test');
      token = await signIn('self@meorg.test', PASSWORD);
    });

    /** The request may be refused or the attribute left as it was, but it never takes effect. */
    function expectNotApplied(res: Awaited<ReturnType<typeof me>>, check: (body: Json) => void) {
      if (res.statusCode === 200) check(res.json());
      else {
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().scimType).toBe('mutability');
      }
    }

    it('cannot deactivate their own account', async () => {
      for (const body of [
        patch({ op: 'replace', path: 'active', value: false }),
        patch({ op: 'replace', value: { active: false } }),
      ]) {
        const res = await me(token, 'PATCH', body);
        expectNotApplied(res, (user) => expect(user.active).toBe(true));
      }
      const put = await me(token, 'PUT', { schemas: [USER_SCHEMA], userName: 'self@meorg.test', active: false });
      expectNotApplied(put, (user) => expect(user.active).toBe(true));

      const view = await adminView(userId);
      expect(view).toMatchObject({ active: true, [WSO2]: { accountState: 'ACTIVE' } });
      expect((await me(token)).statusCode).toBe(200);
    });

    it('cannot lock their account or mark their email verified', async () => {
      const res = await me(token, 'PATCH', patch({ op: 'replace', path: `${WSO2}:accountLocked`, value: true }, { op: 'replace', path: `${WSO2}:emailVerified`, value: true }));
      expectNotApplied(res, (user) => expect(user[WSO2]).toMatchObject({ accountLocked: false, emailVerified: false }));
      expect((await adminView(userId))[WSO2]).toMatchObject({ accountState: 'ACTIVE', accountLocked: false, emailVerified: false });
    });

    it('cannot unlock or reactivate themselves: a locked or disabled account’s token stops working at once', async () => {
      const lock = await admin.request('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: `${WSO2}:accountLocked`, value: true }));
      expect(lock.statusCode, lock.body).toBe(200);
      const locked = await me(token, 'PATCH', patch({ op: 'replace', path: `${WSO2}:accountLocked`, value: false }));
      expect(locked.statusCode).toBe(401);
      expect(locked.headers['www-authenticate']).toMatch(/^Bearer/);
      expect((await me(token)).statusCode).toBe(401);
      expect((await adminView(userId))[WSO2]).toMatchObject({ accountLocked: true, accountState: 'LOCKED' });

      const unlock = await admin.request('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: `${WSO2}:accountLocked`, value: false }));
      expect(unlock.statusCode).toBe(200);
      const fresh = await signIn('self@meorg.test', PASSWORD);
      expect((await me(fresh)).statusCode).toBe(200);

      const disable = await admin.request('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'active', value: false }));
      expect(disable.statusCode).toBe(200);
      const reactivate = await me(fresh, 'PATCH', patch({ op: 'replace', path: 'active', value: true }));
      expect(reactivate.statusCode).toBe(401);
      expect((await adminView(userId)).active).toBe(false);
    });
  });

  describe('changing the password', () => {
    const NEW_PASSWORD = 'another long private passphrase';
    let userId: string;
    let token: string;

    beforeAll(async () => {
      userId = await createCustomer('pw@meorg.test');
      token = await signIn('pw@meorg.test', PASSWORD);
    });

    it('requires currentPassword (400 when it is missing)', async () => {
      const res = await me(token, 'PATCH', patch({ op: 'replace', path: 'password', value: NEW_PASSWORD }));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: '400', scimType: 'invalidValue' });
      expect(res.json().detail).toMatch(/currentPassword/);
      const put = await me(token, 'PUT', { schemas: [USER_SCHEMA], userName: 'pw@meorg.test', password: NEW_PASSWORD });
      expect(put.statusCode).toBe(400);
    });

    it('refuses a wrong currentPassword (400), and a new password equal to the current one', async () => {
      const wrong = await me(token, 'PATCH', { ...patch({ op: 'replace', path: 'password', value: NEW_PASSWORD }), currentPassword: 'not my password at all' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().scimType).toBe('invalidValue');
      const same = await me(token, 'PATCH', { ...patch({ op: 'replace', path: 'password', value: PASSWORD }), currentPassword: PASSWORD });
      expect(same.statusCode).toBe(400);
      // Nothing changed: the old password still signs in.
      expect(await signIn('pw@meorg.test', PASSWORD)).toEqual(expect.any(String));
    });

    it('refuses a new password that breaks the policy (400)', async () => {
      const res = await me(token, 'PATCH', { ...patch({ op: 'replace', path: 'password', value: 'short' }), currentPassword: PASSWORD });
      expect(res.statusCode).toBe(400);
      expect(res.json().scimType).toBe('invalidValue');
    });

    it('changes it with the right currentPassword: the new password signs in, the old one does not', async () => {
      const res = await me(token, 'PATCH', { ...patch({ op: 'replace', path: 'password', value: NEW_PASSWORD }), currentPassword: PASSWORD });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id: userId });
      expect(res.json()).not.toHaveProperty('password');

      const fresh = await signIn('pw@meorg.test', NEW_PASSWORD);
      const read = await me(fresh);
      expect(read.statusCode).toBe(200);
      expect(read.json().id).toBe(userId);
      await expect(signIn('pw@meorg.test', PASSWORD)).rejects.toThrow(/sign-in as pw@meorg.test failed/);
      // A password change ends the tokens issued before it.
      expect((await me(token)).statusCode).toBe(401);
    });

    it('changes it through PUT /Me too', async () => {
      const fresh = await signIn('pw@meorg.test', NEW_PASSWORD);
      const res = await me(fresh, 'PUT', { schemas: [USER_SCHEMA], userName: 'pw@meorg.test', password: PASSWORD, currentPassword: NEW_PASSWORD });
      expect(res.statusCode, res.body).toBe(200);
      expect(await signIn('pw@meorg.test', PASSWORD)).toEqual(expect.any(String));
    });
  });

  describe('guessing the current password', () => {
    it('counts wrong current passwords with failed sign-ins: past the allowance even the right one waits (429)', async () => {
      await createCustomer('guess@meorg.test');
      const token = await signIn('guess@meorg.test', PASSWORD);
      const change = (currentPassword: string) =>
        me(token, 'PATCH', { ...patch({ op: 'replace', path: 'password', value: 'a fresh and private passphrase' }), currentPassword });
      for (let i = 0; i < SIGN_IN_LIMITS.accountFromAddress.limit; i += 1) expect((await change(`wrong guess ${i}`)).statusCode).toBe(400);
      const throttled = await change(PASSWORD);
      expect(throttled.statusCode).toBe(429);
      expect(throttled.json()).toMatchObject({ status: '429', detail: expect.stringMatching(/try again/) });
      // The refusal is in the audit trail, with the caller (issue 10 item 11).
      const refusals = (await server.system.repos.audit.listForOrganization(admin.organization.id, 500)).filter((e) => e.action === 'api.refused');
      expect(refusals).toContainEqual(expect.objectContaining({ actorType: 'user', after: { status: 429, method: 'PATCH', path: `/t/${HANDLE}/scim2/Me` } }));
      // The sign-in page shares the allowance.
      await expect(signIn('guess@meorg.test', PASSWORD)).rejects.toThrow();
    });
  });

  describe('who may call /Me', () => {
    let userToken: string;

    beforeAll(async () => {
      await createCustomer('who@meorg.test');
      userToken = await signIn('who@meorg.test', PASSWORD, 'openid');
    });

    it("refuses an application's client-credentials token (403), even one holding internal_login", async () => {
      const res = await server.app.inject({ method: 'GET', url: `/t/${HANDLE}/scim2/Me`, headers: { authorization: `Bearer ${admin.token}` } });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '403' });
      const patched = await server.app.inject({
        method: 'PATCH',
        url: `/t/${HANDLE}/scim2/Me`,
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify(patch({ op: 'replace', path: 'name.givenName', value: 'App' })),
      });
      expect(patched.statusCode).toBe(403);
    });

    it('refuses a user token without internal_login (403)', async () => {
      const res = await me(userToken);
      expect(res.statusCode).toBe(403);
      expect(res.json().detail).toContain('internal_login');
      expect((await me(userToken, 'PATCH', patch({ op: 'replace', path: 'name.givenName', value: 'Nope' }))).statusCode).toBe(403);
    });

    it("does not let a user's internal_login token manage other users", async () => {
      const token = await signIn('who@meorg.test', PASSWORD);
      const res = await server.app.inject({ method: 'GET', url: `/t/${HANDLE}/scim2/Users`, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(403);
    });

    it('answers 401 with WWW-Authenticate without a token or with a made-up one', async () => {
      const none = await server.app.inject({ method: 'GET', url: `/t/${HANDLE}/scim2/Me` });
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer realm=/);
      expect((await me('made-up-token')).statusCode).toBe(401);
    });
  });
});
