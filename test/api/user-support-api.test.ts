// Administrators see and act on a stuck user (issue 14 item 8), through the management API as
// the Console calls it: the failed-sign-in lockout shown (until when) and cleared, on every
// instance sharing Redis; the user's sessions listed with device, browser, address and last use,
// ended one by one or all; a password-reset mail for an active user, through the outbox to a
// real SMTP server. The privileged-account rules refuse each action on administrators with a
// 403 naming the rule, and every action leaves an audit record (actor, target, request id).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { Redis } from 'ioredis';
import { createOnboardingBed, expectCode, type OnboardingBed } from '../onboarding/support.ts';
import { TestBrowser } from '../support/browser.ts';
import { createCustomer, TEST_ARGON2 } from '../support/system.ts';
import { userAccessToken } from '../scim/users-support.ts';
import { linkIn } from '../support/smtp.ts';
import { openSystem, type System } from '../../src/system.ts';
import { createPasswordHasher } from '../../src/security/password-hasher.ts';
import { createMemoryAttemptLimiter, createRedisAttemptLimiter, type AttemptLimiter } from '../../src/security/attempt-limiter.ts';
import { SIGN_IN_LIMITS, takePasswordAttempt } from '../../src/services/sign-in-limits.ts';
import { PRIVILEGE_RULES } from '../../src/services/account-privileges.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { API_SCOPES } from '../../src/oidc/scopes.ts';

const CUSTOMER_PASSWORD = 'a customer passphrase 12';
const ADMIN_PASSWORD = 'plum tree in the garden 9';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';
const from = (clientIp: string) => ({ actor: { type: 'anonymous' as const }, clientIp });

// With Redis (CI) a second instance shares the counters; without it one instance does both.
const redisUrl = process.env.REDIS_URL;

describe('an administrator supporting a user', () => {
  let bed: OnboardingBed;
  let second: System;
  let limiterOfFirst: AttemptLimiter;
  let limiterOfSecond: AttemptLimiter;
  const connections: Redis[] = [];
  let ids: { owner: string; admin: string; otherAdmin: string; customer: string; pending: string };
  let tokens: { owner: string; admin: string };

  async function connectedLimiter(): Promise<AttemptLimiter> {
    const redis = new Redis(redisUrl!, { lazyConnect: true });
    await redis.connect();
    connections.push(redis);
    return createRedisAttemptLimiter(redis);
  }

  beforeAll(async () => {
    const limiter = (limiterOfFirst = redisUrl ? await connectedLimiter() : createMemoryAttemptLimiter());
    // The test client stands in for a trusted proxy, so its X-Forwarded-For is the client address.
    bed = await createOnboardingBed('support', { env: { TRUST_PROXY: '127.0.0.1' }, limiter });
    const { system } = bed.server;
    if (redisUrl) {
      limiterOfSecond = await connectedLimiter();
      second = await openSystem({ ...system.config, redisUrl: undefined }, { db: system.db, migrate: false, hasher: createPasswordHasher(TEST_ARGON2), limiter: limiterOfSecond });
    } else {
      [second, limiterOfSecond] = [system, limiter];
    }
    const organization = bed.scim.organization;
    const { users } = system.services;
    const admin = await users.createUser(organization, { userName: 'admin@support.test', password: ADMIN_PASSWORD, administrator: true }, SYSTEM_CONTEXT);
    const otherAdmin = await users.createUser(organization, { userName: 'other-admin@support.test', password: ADMIN_PASSWORD, administrator: true }, SYSTEM_CONTEXT);
    const customer = await createCustomer(system, organization, 'cy@support.test', CUSTOMER_PASSWORD, { givenName: 'Cy' });
    const pending = await bed.api('POST', '/invitations', { email: 'pending@support.test', delivery: 'link' });
    ids = { owner: bed.scim.owner.id, admin: admin.user.id, otherAdmin: otherAdmin.user.id, customer: customer.id, pending: pending.json.userId };
    const consoleApp = (await system.repos.applications.findBuiltIn(bed.orgId, 'console'))!;
    const asUser = (userId: string) => userAccessToken({ system } as never, 'support', consoleApp.id, userId, [...API_SCOPES]);
    tokens = { owner: await asUser(ids.owner), admin: await asUser(ids.admin) };
  });
  afterAll(async () => {
    if (second && second !== bed.server.system) {
      await second.mail.stop();
      await second.mail.transport.close();
    }
    await bed?.close();
    for (const redis of connections) await redis.quit();
  });

  async function call(token: string, method: 'GET' | 'POST' | 'DELETE', path: string) {
    const res = await bed.server.app.inject({ method, url: `/t/support/api/server/v1/users${path}`, headers: { authorization: `Bearer ${token}` } });
    return { status: res.statusCode, json: res.body ? res.json() : undefined, requestId: String(res.headers['x-request-id'] ?? '') };
  }

  async function auditOf(action: string, targetId: string) {
    return bed.server.system.repos.audit.search(bed.orgId, { action, targetId, limit: 10 });
  }

  async function failSignIns(system: System, userName: string, address: string, times: number) {
    for (let i = 0; i < times; i += 1) {
      expect((await system.services.signIn.authenticate(bed.orgId, userName, `wrong guess ${i}`, from(address))).outcome).toBe('invalid_credentials');
    }
  }

  describe('the sign-in lockout', () => {
    it('is shown with the address it holds and until when, and cleared on both instances', async () => {
      expect((await call(tokens.owner, 'GET', `/${ids.customer}/sign-in-lockout`)).json).toMatchObject({ locked: false, lockedUntil: null, account: null, addresses: [] });

      // Ten failures on the second instance lock the customer out from that address.
      await failSignIns(second, 'cy@support.test', '10.9.0.1', SIGN_IN_LIMITS.accountFromAddress.limit);
      expect((await second.services.signIn.authenticate(bed.orgId, 'cy@support.test', CUSTOMER_PASSWORD, from('10.9.0.1'))).outcome).toBe('throttled');
      const shown = await call(tokens.owner, 'GET', `/${ids.customer}/sign-in-lockout`);
      expect(shown.status).toBe(200);
      expect(shown.json).toMatchObject({ locked: true, account: null, addresses: [{ address: '10.9.0.1' }], accountFailures: SIGN_IN_LIMITS.accountFromAddress.limit });
      const until = Date.parse(shown.json.lockedUntil);
      expect(until).toBeGreaterThan(Date.now() + (SIGN_IN_LIMITS.accountFromAddress.windowSeconds - 60) * 1000);
      expect(until).toBeLessThanOrEqual(Date.now() + SIGN_IN_LIMITS.accountFromAddress.windowSeconds * 1000 + 1000);

      // Cleared through the first instance's API: the second lets the right password in again.
      const cleared = await call(tokens.owner, 'DELETE', `/${ids.customer}/sign-in-lockout`);
      expect(cleared.status).toBe(200);
      expect(cleared.json).toMatchObject({ locked: true, addresses: [{ address: '10.9.0.1' }] });
      expect((await call(tokens.owner, 'GET', `/${ids.customer}/sign-in-lockout`)).json).toMatchObject({ locked: false, addresses: [], accountFailures: 0 });
      expect((await second.services.signIn.authenticate(bed.orgId, 'cy@support.test', CUSTOMER_PASSWORD, from('10.9.0.1'))).outcome).toBe('success');

      const [event] = await auditOf('user.sign_in_lockout_cleared', ids.customer);
      expect(event).toMatchObject({ actorType: 'user', actorId: ids.owner, targetType: 'user', targetId: ids.customer, requestId: cleared.requestId });
      expect(event.before).toMatchObject({ locked: true, lockedAddresses: 1 });
    });

    it('clears the account-wide lock and every address at once, whichever instance counted them', async () => {
      // A distributed guesser: 100 addresses, 10 failures each, half counted on each instance.
      // The attempts are taken as the sign-in takes them, without the hashing and the growing
      // delays that would make this test take minutes.
      const perAddress = SIGN_IN_LIMITS.accountFromAddress.limit;
      const addresses = SIGN_IN_LIMITS.account.limit / perAddress;
      for (let a = 0; a < addresses; a += 1) {
        const limiter = a % 2 === 0 ? limiterOfSecond : limiterOfFirst;
        const taken = await Promise.all(Array.from({ length: perAddress }, () => takePasswordAttempt(limiter, bed.orgId, 'cy@support.test', `10.8.0.${a}`)));
        expect(taken.every((t) => t.outcome === 'go')).toBe(true);
      }
      // From an address never used, the account is refused: the account-wide limit holds.
      expect((await second.services.signIn.authenticate(bed.orgId, 'cy@support.test', CUSTOMER_PASSWORD, from('10.7.0.1'))).outcome).toBe('throttled');
      const shown = (await call(tokens.owner, 'GET', `/${ids.customer}/sign-in-lockout`)).json;
      expect(shown.locked).toBe(true);
      expect(Date.parse(shown.account.until)).toBeGreaterThan(Date.now() + (SIGN_IN_LIMITS.account.windowSeconds - 120) * 1000);
      expect(shown.lockedUntil).toBe(shown.account.until);
      expect(shown.addresses).toHaveLength(addresses);

      expect((await call(tokens.owner, 'DELETE', `/${ids.customer}/sign-in-lockout`)).status).toBe(200);
      expect((await call(tokens.owner, 'GET', `/${ids.customer}/sign-in-lockout`)).json).toMatchObject({ locked: false, account: null, addresses: [] });
      expect((await second.services.signIn.authenticate(bed.orgId, 'cy@support.test', CUSTOMER_PASSWORD, from('10.8.0.0'))).outcome).toBe('success');
      expect((await bed.server.system.services.signIn.authenticate(bed.orgId, 'cy@support.test', CUSTOMER_PASSWORD, from('10.8.0.1'))).outcome).toBe('success');
    });

    it('answers 404 for an unknown user', async () => {
      expect((await call(tokens.owner, 'GET', '/no-such-user/sign-in-lockout')).status).toBe(404);
      expect((await call(tokens.owner, 'DELETE', '/no-such-user/sign-in-lockout')).status).toBe(404);
    });
  });

  describe('the sessions', () => {
    async function signInAs(userAgent: string, address: string) {
      const browser = new TestBrowser(bed.server.baseUrl, { headers: { 'user-agent': userAgent, 'x-forwarded-for': address } });
      const page = await bed.signIn('cy@support.test', CUSTOMER_PASSWORD, browser);
      return bed.tokens(expectCode(page), page.verifier);
    }

    it('lists each session with device, browser, address and last use, ends one, then all', async () => {
      const laptop = await signInAs(CHROME, '203.0.113.7');
      const phone = await signInAs(IPHONE, '198.51.100.4');
      const listed = await call(tokens.owner, 'GET', `/${ids.customer}/sessions`);
      expect(listed.status).toBe(200);
      const sessions = listed.json.sessions as Array<Record<string, any>>;
      expect(sessions).toHaveLength(2);
      const byAddress = Object.fromEntries(sessions.map((s) => [s.clientAddress, s]));
      expect(byAddress['203.0.113.7']).toMatchObject({ browser: 'Chrome 131', os: 'Linux', deviceType: 'desktop' });
      expect(byAddress['198.51.100.4']).toMatchObject({ browser: 'Safari 17', deviceType: 'mobile' });
      for (const session of sessions) {
        expect(Date.parse(session.lastSeenAt)).toBeGreaterThan(Date.now() - 60_000);
        expect(Date.parse(session.signedInAt)).toBeLessThanOrEqual(Date.parse(session.lastSeenAt));
        expect(session).not.toHaveProperty('current');
      }

      const ended = await call(tokens.owner, 'DELETE', `/${ids.customer}/sessions/${byAddress['203.0.113.7'].id}`);
      expect(ended.status).toBe(204);
      expect((await call(tokens.owner, 'GET', `/${ids.customer}/sessions`)).json.sessions.map((s: { id: string }) => s.id)).toEqual([byAddress['198.51.100.4'].id]);
      await expect(client.refreshTokenGrant(bed.rp, laptop.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      const [revoked] = await auditOf('session.revoked', ids.customer);
      expect(revoked).toMatchObject({ actorId: ids.owner, targetId: ids.customer, requestId: ended.requestId });

      const all = await call(tokens.owner, 'DELETE', `/${ids.customer}/sessions`);
      expect(all).toMatchObject({ status: 200, json: { ended: 1 } });
      expect((await call(tokens.owner, 'GET', `/${ids.customer}/sessions`)).json.sessions).toEqual([]);
      await expect(client.refreshTokenGrant(bed.rp, phone.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      const [allRevoked] = await auditOf('user.sessions_revoked', ids.customer);
      expect(allRevoked).toMatchObject({ actorId: ids.owner, requestId: all.requestId, after: { ended: 1 } });
    });

    it('moves a session\'s last use and address along with each use of it', async () => {
      // Headers kept by reference: the same browser later reaches the server from elsewhere.
      const headers = { 'user-agent': CHROME, 'x-forwarded-for': '192.0.2.10' };
      const browser = new TestBrowser(bed.server.baseUrl, { headers });
      expectCode(await bed.signIn('cy@support.test', CUSTOMER_PASSWORD, browser));
      const [first] = (await call(tokens.owner, 'GET', `/${ids.customer}/sessions`)).json.sessions;
      expect(first.clientAddress).toBe('192.0.2.10');

      headers['x-forwarded-for'] = '192.0.2.99';
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Signed in already: the application gets its code without the password being asked.
      expectCode(await bed.signIn('cy@support.test', CUSTOMER_PASSWORD, browser));
      const [again] = (await call(tokens.owner, 'GET', `/${ids.customer}/sessions`)).json.sessions;
      expect(again).toMatchObject({ id: first.id, clientAddress: '192.0.2.99', signedInAt: first.signedInAt });
      expect(Date.parse(again.lastSeenAt)).toBeGreaterThan(Date.parse(first.lastSeenAt));
      expect((await call(tokens.owner, 'DELETE', `/${ids.customer}/sessions`)).json).toEqual({ ended: 1 });
    });

    it('answers 404 for a session that is not the user\'s', async () => {
      const ended = await call(tokens.owner, 'DELETE', `/${ids.customer}/sessions/not-a-session`);
      expect(ended.status).toBe(404);
      expect(ended.json.message).toMatch(/no session "not-a-session"/);
    });
  });

  describe('a password reset', () => {
    it('mails an active user the reset link of "forgot password" through the outbox', async () => {
      const sent = await call(tokens.owner, 'POST', `/${ids.customer}/password-reset`);
      expect(sent.status).toBe(202);
      await bed.deliver();
      const mails = bed.smtp.mailsTo('cy@support.test');
      expect(mails).toHaveLength(1);
      const link = linkIn(mails[0]);
      expect(link).toMatch(/\/t\/support\/password\/reset\?token=/);
      expect((await bed.api('GET', `/mails/${sent.json.mailId}`)).json).toMatchObject({ purpose: 'password_reset', status: 'sent', userId: ids.customer });
      const [event] = await auditOf('user.password_reset_sent', ids.customer);
      expect(event).toMatchObject({ actorId: ids.owner, targetId: ids.customer, requestId: sent.requestId, after: { mailId: sent.json.mailId } });
    });

    it('refuses a pending user with 409 saying to resend the invitation', async () => {
      const refused = await call(tokens.owner, 'POST', `/${ids.pending}/password-reset`);
      expect(refused.status).toBe(409);
      expect(refused.json).toMatchObject({ code: 'user.not_active', message: expect.stringMatching(/resend the invitation/) });
    });
  });

  describe('the privileged-account rules', () => {
    const actions = [
      ['DELETE', '/sign-in-lockout'],
      ['DELETE', '/sessions'],
      ['DELETE', '/sessions/any'],
      ['POST', '/password-reset'],
    ] as const;

    it('refuse another administrator acting on an administrator or the owner, naming the rule', async () => {
      for (const [method, path] of actions) {
        const onAdmin = await call(tokens.admin, method, `/${ids.otherAdmin}${path}`);
        expect(onAdmin.status, `${method} ${path}`).toBe(403);
        expect(onAdmin.json).toMatchObject({ code: 'auth.forbidden', message: PRIVILEGE_RULES.administratorsByOwner, details: { rule: 'administratorsByOwner' } });
        const onOwner = await call(tokens.admin, method, `/${ids.owner}${path}`);
        expect(onOwner.json).toMatchObject({ message: PRIVILEGE_RULES.ownerOnly, details: { rule: 'ownerOnly' } });
      }
      expect(await auditOf('user.password_reset_sent', ids.otherAdmin)).toEqual([]);
    });

    it('refuse an application on an administrator, whatever its scopes', async () => {
      for (const [method, path] of actions) {
        const res = await bed.api(method, `/users/${ids.otherAdmin}${path}`);
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.json).toMatchObject({ details: { rule: 'noApplications' } });
      }
    });

    it('let an administrator act on customers and the owner act on administrators', async () => {
      expect((await call(tokens.admin, 'DELETE', `/${ids.customer}/sign-in-lockout`)).status).toBe(200);
      expect((await call(tokens.admin, 'POST', `/${ids.customer}/password-reset`)).status).toBe(202);
      expect((await call(tokens.owner, 'DELETE', `/${ids.otherAdmin}/sessions`)).status).toBe(200);
      expect((await call(tokens.owner, 'POST', `/${ids.otherAdmin}/password-reset`)).status).toBe(202);
      // Reading is the scopes' alone.
      expect((await call(tokens.admin, 'GET', `/${ids.owner}/sessions`)).status).toBe(200);
    });

    it('ask for the update scope to act', async () => {
      const consoleApp = (await bed.server.system.repos.applications.findBuiltIn(bed.orgId, 'console'))!;
      const viewOnly = await userAccessToken({ system: bed.server.system } as never, 'support', consoleApp.id, ids.owner, ['internal_user_mgt_view']);
      expect((await call(viewOnly, 'GET', `/${ids.customer}/sign-in-lockout`)).status).toBe(200);
      expect((await call(viewOnly, 'DELETE', `/${ids.customer}/sign-in-lockout`)).status).toBe(403);
    });
  });

  it('publishes the endpoints in the OpenAPI document', async () => {
    const res = await bed.server.app.inject({ method: 'GET', url: '/t/support/api/openapi.json' });
    const paths = Object.keys(res.json().paths);
    for (const path of ['/server/v1/users/{id}/sign-in-lockout', '/server/v1/users/{id}/sessions', '/server/v1/users/{id}/sessions/{sessionId}', '/server/v1/users/{id}/password-reset']) {
      expect(paths).toContain(path);
    }
  });
});
