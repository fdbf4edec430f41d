// Sender-constrained tokens (docs/security.md 11): an access token bound to a key with DPoP at the
// real token endpoint is honoured by SCIM and the management API only with a fresh proof of that
// key for that very request (RFC 9449 sections 4.3 and 7.1); as a plain bearer token it is refused.

import crypto from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES } from '../../src/oidc/scopes.ts';
import { createOrganization, startTestServer, type RunningServer } from '../support/system.ts';
import { registerApplication } from '../support/relying-party.ts';

interface KeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

interface ProofClaims {
  htm: string;
  htu: string;
  ath?: string;
  jti?: string;
  iat?: number;
}

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

const athOf = (token: string) => crypto.createHash('sha256').update(token).digest('base64url');

/** A DPoP proof as a client builds it, signed by `signer` with `key`'s public key in the header unless told otherwise. */
async function proofFor(key: KeyPair, claims: ProofClaims, options: { signer?: KeyPair; typ?: string } = {}): Promise<string> {
  const jwk = await exportJWK(key.publicKey);
  const { iat, jti, ...rest } = claims;
  return new SignJWT({ ...rest, jti: jti ?? crypto.randomUUID() })
    .setProtectedHeader({ typ: options.typ ?? 'dpop+jwt', alg: 'ES256', jwk })
    .setIssuedAt(iat ?? Math.floor(Date.now() / 1000))
    .sign((options.signer ?? key).privateKey);
}

describe('DPoP-bound access tokens at SCIM and the management API', () => {
  let server: RunningServer;
  let key: KeyPair;
  let boundToken: string;
  let unboundToken: string;
  let scimUsers: string;
  let applications: string;

  async function clientCredentialsToken(clientId: string, clientSecret: string, dpopKey?: KeyPair) {
    const tokenUrl = `${server.baseUrl}/t/acme/oauth2/token`;
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        // The token endpoint checks its own proof: htu is the token endpoint, no ath.
        ...(dpopKey && { dpop: await proofFor(dpopKey, { htm: 'POST', htu: tokenUrl }) }),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: API_SCOPES.join(' ') }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { access_token: string; token_type: string };
  }

  /** A request with `Authorization: <scheme> <token>` and, when given, a DPoP header. */
  const call = (url: string, authorization: string, dpop?: string, method = 'GET') =>
    fetch(url, { method, headers: { authorization, ...(dpop !== undefined && { dpop }) } });

  const withProof = async (url: string, claims: Partial<ProofClaims> = {}, options: { signer?: KeyPair; typ?: string } = {}) =>
    call(url, `DPoP ${boundToken}`, await proofFor(key, { htm: 'GET', htu: url, ath: athOf(boundToken), ...claims }, options));

  async function expectDpopRefusal(response: Response, error: 'invalid_dpop_proof' | 'invalid_token', shape: 'scim' | 'api') {
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^DPoP /);
    expect(challenge).toContain(`error="${error}"`);
    const body = (await response.json()) as { schemas?: string[]; status?: string; code?: string; message?: string };
    if (shape === 'scim') expect(body).toMatchObject({ schemas: [SCIM_ERROR], status: '401' });
    else expect(body).toMatchObject({ code: 'auth.unauthorized' });
  }

  beforeAll(async () => {
    server = await startTestServer();
    const { organization } = await createOrganization(server.system, 'acme');
    const { application, clientSecret } = await registerApplication(server.system, organization.id, { type: 'm2m', scopes: [...API_SCOPES] });
    key = await generateKeyPair('ES256');
    const bound = await clientCredentialsToken(application.id, clientSecret!, key);
    expect(bound.token_type).toBe('DPoP');
    boundToken = bound.access_token;
    unboundToken = (await clientCredentialsToken(application.id, clientSecret!)).access_token;
    scimUsers = `${server.baseUrl}/t/acme/scim2/Users`;
    applications = `${server.baseUrl}/t/acme/api/server/v1/applications`;
  });
  afterAll(() => server.stop());

  it('refuses the bound token sent as a bearer token, with or without a proof', async () => {
    await expectDpopRefusal(await call(scimUsers, `Bearer ${boundToken}`), 'invalid_token', 'scim');
    await expectDpopRefusal(await call(applications, `Bearer ${boundToken}`), 'invalid_token', 'api');
    const proof = await proofFor(key, { htm: 'GET', htu: scimUsers, ath: athOf(boundToken) });
    await expectDpopRefusal(await call(scimUsers, `Bearer ${boundToken}`, proof), 'invalid_token', 'scim');
  });

  it('accepts it with the DPoP scheme and a valid proof, at SCIM and at the management API', async () => {
    const users = await withProof(scimUsers);
    expect(users.status).toBe(200);
    expect(((await users.json()) as { schemas: string[] }).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    const apps = await withProof(applications);
    expect(apps.status).toBe(200);
  });

  it('compares htu without the query string, as RFC 9449 says', async () => {
    const response = await call(`${scimUsers}?count=1`, `DPoP ${boundToken}`, await proofFor(key, { htm: 'GET', htu: scimUsers, ath: athOf(boundToken) }));
    expect(response.status).toBe(200);
  });

  it('refuses a proof for another URL, including the same path on a host other than PUBLIC_URL', async () => {
    await expectDpopRefusal(await withProof(scimUsers, { htu: `${server.baseUrl}/t/acme/scim2/Groups` }), 'invalid_dpop_proof', 'scim');
    await expectDpopRefusal(await withProof(applications, { htu: `${server.baseUrl}/t/acme/api/server/v1/settings` }), 'invalid_dpop_proof', 'api');
    // Reached as localhost, proved for localhost: the public URL is 127.0.0.1's, so the proof is not for it.
    const viaLocalhost = scimUsers.replace('127.0.0.1', 'localhost');
    await expectDpopRefusal(await withProof(viaLocalhost, { htu: viaLocalhost }), 'invalid_dpop_proof', 'scim');
  });

  it('refuses a proof for another method', async () => {
    await expectDpopRefusal(await withProof(scimUsers, { htm: 'POST' }), 'invalid_dpop_proof', 'scim');
    await expectDpopRefusal(await withProof(applications, { htm: 'DELETE' }), 'invalid_dpop_proof', 'api');
  });

  it('refuses a proof without ath, or with the hash of another token', async () => {
    const noAth = await proofFor(key, { htm: 'GET', htu: scimUsers });
    await expectDpopRefusal(await call(scimUsers, `DPoP ${boundToken}`, noAth), 'invalid_dpop_proof', 'scim');
    await expectDpopRefusal(await withProof(applications, { ath: athOf(unboundToken) }), 'invalid_dpop_proof', 'api');
  });

  it('refuses a proof signed by another key, whether that key or the bound one is in its header', async () => {
    const other = await generateKeyPair('ES256');
    // Another key's proof, honestly carrying that key: the thumbprint is not the token's.
    const otherProof = await proofFor(other, { htm: 'GET', htu: scimUsers, ath: athOf(boundToken) });
    await expectDpopRefusal(await call(scimUsers, `DPoP ${boundToken}`, otherProof), 'invalid_dpop_proof', 'scim');
    // The bound key in the header, signed by another: the signature does not verify.
    await expectDpopRefusal(await withProof(applications, {}, { signer: other }), 'invalid_dpop_proof', 'api');
  });

  it('refuses a replayed proof, also when the copies arrive in parallel', async () => {
    const proof = await proofFor(key, { htm: 'GET', htu: scimUsers, ath: athOf(boundToken) });
    expect((await call(scimUsers, `DPoP ${boundToken}`, proof)).status).toBe(200);
    await expectDpopRefusal(await call(scimUsers, `DPoP ${boundToken}`, proof), 'invalid_dpop_proof', 'scim');

    const fresh = await proofFor(key, { htm: 'GET', htu: applications, ath: athOf(boundToken) });
    const statuses = await Promise.all(Array.from({ length: 8 }, () => call(applications, `DPoP ${boundToken}`, fresh).then((r) => r.status)));
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(7);
  });

  it('refuses a proof that is stale, from the future, not typed dpop+jwt, or missing', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectDpopRefusal(await withProof(scimUsers, { iat: now - 400 }), 'invalid_dpop_proof', 'scim');
    await expectDpopRefusal(await withProof(scimUsers, { iat: now + 120 }), 'invalid_dpop_proof', 'scim');
    await expectDpopRefusal(await withProof(scimUsers, {}, { typ: 'JWT' }), 'invalid_dpop_proof', 'scim');
    await expectDpopRefusal(await call(applications, `DPoP ${boundToken}`), 'invalid_dpop_proof', 'api');
    // Within the allowed clock skew and age it passes.
    expect((await withProof(scimUsers, { iat: now + 30 })).status).toBe(200);
    expect((await withProof(scimUsers, { iat: now - 200 })).status).toBe(200);
  });

  it('keeps unbound tokens working as bearer tokens, and refuses them under the DPoP scheme', async () => {
    expect((await call(scimUsers, `Bearer ${unboundToken}`)).status).toBe(200);
    expect((await call(applications, `Bearer ${unboundToken}`)).status).toBe(200);
    const proof = await proofFor(key, { htm: 'GET', htu: scimUsers, ath: athOf(unboundToken) });
    const response = await call(scimUsers, `DPoP ${unboundToken}`, proof);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
