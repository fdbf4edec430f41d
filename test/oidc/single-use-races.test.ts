// Attack pinned (issue 10 item 3): on PostgreSQL, parallel redemptions of one authorization code,
// or parallel refreshes of one refresh token, each passed the provider's "unused?" check and each
// got a token set. Now exactly one request wins, and because a second use is a reuse, the grant
// is revoked: the winner's tokens are dead at introspection too (RFC 6749 4.1.2, RFC 9700 4.14.2).
// Two server instances share the database, as behind a load balancer; the requests alternate.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { openSystem } from '../../src/system.ts';
import type { Db } from '../../src/db/database.ts';
import { createPasswordHasher } from '../../src/security/password-hasher.ts';
import { startTestServer, createOrganization, freePort, OWNER_PASSWORD, TEST_ARGON2, type RunningServer } from '../support/system.ts';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, registerApplication, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';

const PARALLEL = 20;

describe('single use under parallel requests, two instances on one database', () => {
  let first: RunningServer;
  let second: FastifyInstance;
  let secondDb: Db | undefined;
  let instances: string[];
  let clientId: string;
  let clientSecret: string;
  let config: client.Configuration;

  beforeAll(async () => {
    first = await startTestServer();
    // On PostgreSQL the second instance has a connection pool of its own, as another process would.
    secondDb = first.system.database.anotherPool();
    const system = await openSystem(first.system.config, { db: secondDb ?? first.system.db, migrate: false, hasher: createPasswordHasher(TEST_ARGON2) });
    second = await buildApp(system, { logger: false });
    const port = await freePort();
    await second.listen({ port, host: '127.0.0.1' });
    instances = [first.baseUrl, `http://127.0.0.1:${port}`];
    const { organization } = await createOrganization(first.system, 'acme');
    const registered = await registerApplication(first.system, organization.id, { type: 'web' });
    clientId = registered.application.id;
    clientSecret = registered.clientSecret!;
    config = await relyingParty(first.baseUrl, 'acme', clientId, clientSecret);
  });
  afterAll(async () => {
    await second.close();
    await secondDb?.destroy();
    await first.stop();
  });

  async function authorizationCode() {
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const result = await new TestBrowser(first.baseUrl).signIn(url.href, 'owner@acme.test', OWNER_PASSWORD);
    const callback = new URL(result.location!);
    return { code: callback.searchParams.get('code')!, callback, verifier };
  }

  /** The same token request sent PARALLEL times at once, alternating between the instances. */
  function tokenRequests(form: Record<string, string>) {
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
    return Promise.all(
      Array.from({ length: PARALLEL }, async (_, i) => {
        const response = await fetch(`${instances[i % 2]}/t/acme/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
          body: new URLSearchParams(form),
        });
        return { status: response.status, body: (await response.json()) as { access_token?: string; refresh_token?: string; error?: string } };
      }),
    );
  }

  const active = async (token: string) => (await client.tokenIntrospection(config, token)).active;

  // A race is a matter of timing: several rounds, so that a broken check cannot pass by luck.
  it.each([1, 2, 3, 4, 5])('redeems one authorization code once (round %i): one 200, the others invalid_grant, every token issued inactive', async () => {
    const { code, verifier } = await authorizationCode();
    const results = await tokenRequests({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI });

    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')).toHaveLength(PARALLEL - 1);
    const issued = winners.flatMap((w) => [w.body.access_token!, w.body.refresh_token!]);
    expect(issued.every(Boolean)).toBe(true);
    for (const token of issued) expect(await active(token)).toBe(false);
  });

  it('rotates one refresh token once: one 200, the others invalid_grant, and the reuse revokes the family', async () => {
    const clean = await authorizationCode();
    const tokens = await client.authorizationCodeGrant(config, clean.callback, { pkceCodeVerifier: clean.verifier });
    expect(await active(tokens.access_token)).toBe(true);

    const results = await tokenRequests({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')).toHaveLength(PARALLEL - 1);
    for (const token of [tokens.access_token, winners[0].body.access_token!, winners[0].body.refresh_token!]) expect(await active(token)).toBe(false);
  });

  it('keeps a single refresh working: rotation without a race revokes nothing', async () => {
    const { callback, verifier } = await authorizationCode();
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(await active(refreshed.access_token)).toBe(true);
    const again = await client.refreshTokenGrant(config, refreshed.refresh_token!);
    expect(await active(again.access_token)).toBe(true);
  });
});
