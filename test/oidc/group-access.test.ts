// Groups decide who may use which application: at sign-in (a hosted error page, no code), at
// every authorization (single sign-on included) and at every refresh; the Console is for
// owners and administrators; groups travel in tokens with the `groups` scope.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startTestServer, createOrganization, createCustomer, OWNER_PASSWORD, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { oauthErrorOf, pkcePair, registerApplication, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import type { Organization } from '../../src/repos/organization-repo.ts';

const CUSTOMER_PASSWORD = 'a customer passphrase';

describe('access to applications by group', () => {
  let server: RunningServer;
  let organization: Organization;
  let goldId: string;
  let memberId: string;
  let outsiderId: string;
  let restrictedClientId: string;
  let openClientId: string;

  beforeAll(async () => {
    server = await startTestServer();
    organization = (await createOrganization(server.system, 'acme')).organization;
    const { groups, applications } = server.system.services;
    memberId = (await createCustomer(server.system, organization, 'gold@acme.test', CUSTOMER_PASSWORD, { givenName: 'Gia' })).id;
    outsiderId = (await createCustomer(server.system, organization, 'plain@acme.test', CUSTOMER_PASSWORD)).id;
    goldId = (await groups.createGroup(organization.id, { displayName: 'Gold', memberIds: [memberId] }, SYSTEM_CONTEXT)).group.id;
    restrictedClientId = (await applications.createApplication(organization.id, { name: 'Gold lounge', type: 'spa', redirectUris: [REDIRECT_URI], allowedGroupIds: [goldId] }, SYSTEM_CONTEXT)).application.id;
    openClientId = (await registerApplication(server.system, organization.id, { type: 'spa', name: 'Shop' })).application.id;
  });
  afterAll(() => server.stop());

  async function signIn(clientId: string, email: string, password: string, scope = 'openid', browser = new TestBrowser(server.baseUrl)) {
    const config = await relyingParty(server.baseUrl, 'acme', clientId);
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope, code_challenge: challenge, code_challenge_method: 'S256' });
    const result = await browser.signIn(url.href, email, password);
    return { config, verifier, result, browser };
  }

  async function tokens(clientId: string, email: string, scope = 'openid') {
    const { config, verifier, result } = await signIn(clientId, email, CUSTOMER_PASSWORD, scope);
    expect(result.location, result.body.slice(0, 300)).toMatch(/\?code=/);
    return { config, tokens: await client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier }) };
  }

  it('lets a member of an allowed group in', async () => {
    const { tokens: issued } = await tokens(restrictedClientId, 'gold@acme.test');
    expect(issued.claims()!.sub).toBe(memberId);
  });

  it('shows anyone else a hosted error page and issues no code', async () => {
    const { result } = await signIn(restrictedClientId, 'plain@acme.test', CUSTOMER_PASSWORD);
    expect(result.status).toBe(403);
    expect(result.location).toBeUndefined();
    expect(result.body).toContain('does not have access to Gold lounge');
    const events = await server.system.repos.audit.listForOrganization(organization.id, 200);
    expect(events.some((e) => e.action === 'sign_in.denied' && e.actorId === outsiderId && e.targetId === restrictedClientId)).toBe(true);
  });

  it('lets every active user into an application that names no groups', async () => {
    const { tokens: issued } = await tokens(openClientId, 'plain@acme.test');
    expect(issued.claims()!.sub).toBe(outsiderId);
  });

  it('refuses single sign-on into a restricted application for a signed-in outsider', async () => {
    const browser = new TestBrowser(server.baseUrl);
    const first = await signIn(openClientId, 'plain@acme.test', CUSTOMER_PASSWORD, 'openid', browser);
    expect(first.result.location).toMatch(/\?code=/);
    // Same browser, same session: the restricted app does not get a code without a sign-in,
    // and the sign-in ends on the error page.
    const second = await signIn(restrictedClientId, 'plain@acme.test', CUSTOMER_PASSWORD, 'openid', browser);
    expect(second.result.location).toBeUndefined();
    expect(second.result.status).toBe(403);
  });

  it('cuts access at the next refresh when the user leaves the group', async () => {
    const { groups } = server.system.services;
    const userId = (await createCustomer(server.system, organization, 'leaver@acme.test', CUSTOMER_PASSWORD)).id;
    await groups.updateGroup(organization.id, goldId, { members: { add: [userId], remove: [] } }, SYSTEM_CONTEXT);
    const { config, tokens: issued } = await tokens(restrictedClientId, 'leaver@acme.test');
    const refreshed = await client.refreshTokenGrant(config, issued.refresh_token!);
    await groups.updateGroup(organization.id, goldId, { members: { add: [], remove: [userId] } }, SYSTEM_CONTEXT);
    expect(await oauthErrorOf(client.refreshTokenGrant(config, refreshed.refresh_token!))).toBe('invalid_grant');
  });

  it('cuts access when the only allowed group is deleted (a restricted application stays restricted)', async () => {
    const { groups, applications } = server.system.services;
    const userId = (await createCustomer(server.system, organization, 'vip@acme.test', CUSTOMER_PASSWORD)).id;
    const vip = (await groups.createGroup(organization.id, { displayName: 'VIP', memberIds: [userId] }, SYSTEM_CONTEXT)).group.id;
    const app = (await applications.createApplication(organization.id, { name: 'VIP room', type: 'spa', redirectUris: [REDIRECT_URI], allowedGroupIds: [vip] }, SYSTEM_CONTEXT)).application;
    const { config, tokens: issued } = await tokens(app.id, 'vip@acme.test');
    await groups.deleteGroup(organization.id, vip, SYSTEM_CONTEXT);
    expect(await oauthErrorOf(client.refreshTokenGrant(config, issued.refresh_token!))).toBe('invalid_grant');
    const again = await signIn(app.id, 'vip@acme.test', CUSTOMER_PASSWORD);
    expect(again.result.status).toBe(403);
  });

  it('puts group names in the ID token and userinfo only with the groups scope, with the standard claims by scope', async () => {
    const withGroups = await tokens(restrictedClientId, 'gold@acme.test', 'openid groups email profile');
    expect(withGroups.tokens.claims()).toMatchObject({ groups: ['Gold'], email: 'gold@acme.test', email_verified: false, given_name: 'Gia', name: 'Gia' });
    const userinfo = await client.fetchUserInfo(withGroups.config, withGroups.tokens.access_token, memberId);
    expect(userinfo.groups).toEqual(['Gold']);

    const without = await tokens(restrictedClientId, 'gold@acme.test', 'openid');
    expect(without.tokens.claims()!.groups).toBeUndefined();
    expect((await client.fetchUserInfo(without.config, without.tokens.access_token, memberId)).groups).toBeUndefined();
  });

  describe('the built-in applications', () => {
    const CONSOLE_REDIRECT = () => `${server.baseUrl}/t/acme/console/callback`;

    async function consoleSignIn(email: string, password: string, scope: string) {
      const consoleApp = await server.system.repos.applications.findBuiltIn(organization.id, 'console');
      const config = await relyingParty(server.baseUrl, 'acme', consoleApp!.id);
      const { verifier, challenge } = await pkcePair();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: CONSOLE_REDIRECT(), scope, code_challenge: challenge, code_challenge_method: 'S256' });
      const result = await new TestBrowser(server.baseUrl).signIn(url.href, email, password);
      return { config, verifier, result };
    }

    it('lets the owner into the Console with API scopes', async () => {
      const { config, verifier, result } = await consoleSignIn('owner@acme.test', OWNER_PASSWORD, 'openid internal_user_mgt_list internal_login');
      expect(result.location).toMatch(/\/t\/acme\/console\/callback\?code=/);
      const issued = await client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier });
      expect(issued.scope?.split(' ')).toEqual(expect.arrayContaining(['internal_user_mgt_list', 'internal_login']));
    });

    it('keeps customers out of the Console', async () => {
      const { result } = await consoleSignIn('plain@acme.test', CUSTOMER_PASSWORD, 'openid internal_user_mgt_list');
      expect(result.status).toBe(403);
      expect(result.body).toContain('does not have access to Console');
    });

    it('gives customers My Account with internal_login but never API scopes', async () => {
      const myAccount = await server.system.repos.applications.findBuiltIn(organization.id, 'myaccount');
      const config = await relyingParty(server.baseUrl, 'acme', myAccount!.id);
      const { verifier, challenge } = await pkcePair();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: `${server.baseUrl}/t/acme/myaccount/callback`,
        scope: 'openid internal_login',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const result = await new TestBrowser(server.baseUrl).signIn(url.href, 'plain@acme.test', CUSTOMER_PASSWORD);
      const issued = await client.authorizationCodeGrant(config, new URL(result.location!), { pkceCodeVerifier: verifier });
      expect(issued.scope).toBe('openid internal_login');
      const denied = client.buildAuthorizationUrl(config, {
        redirect_uri: `${server.baseUrl}/t/acme/myaccount/callback`,
        scope: 'openid internal_user_mgt_list',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const refused = await new TestBrowser(server.baseUrl).navigate(denied.href);
      expect(new URL(refused.location!).searchParams.get('error')).toBe('invalid_scope');
    });
  });
});
