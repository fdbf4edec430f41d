// openid-client configured as a real relying party of one organization of a running server.

import * as client from 'openid-client';
import type { System } from '../../src/system.ts';
import { issuerFor } from '../../src/oidc/routes.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const POST_LOGOUT_URI = 'http://127.0.0.1:9/signed-out';

export async function registerApplication(
  system: System,
  orgId: string,
  input: { name?: string; type: 'spa' | 'web' | 'm2m'; scopes?: string[]; redirectUris?: string[] },
) {
  return system.services.applications.createApplication(
    orgId,
    {
      name: input.name ?? `${input.type} app`,
      type: input.type,
      redirectUris: input.type === 'm2m' ? [] : (input.redirectUris ?? [REDIRECT_URI]),
      postLogoutRedirectUris: input.type === 'm2m' ? [] : [POST_LOGOUT_URI],
      scopes: input.scopes,
    },
    SYSTEM_CONTEXT,
  );
}

/** Discovers the organization's issuer the way any relying party would. */
export async function relyingParty(baseUrl: string, handle: string, clientId: string, clientSecret?: string): Promise<client.Configuration> {
  return client.discovery(
    new URL(issuerFor(baseUrl, handle)),
    clientId,
    undefined,
    clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
    { execute: [client.allowInsecureRequests] },
  );
}

export async function pkcePair() {
  const verifier = client.randomPKCECodeVerifier();
  return { verifier, challenge: await client.calculatePKCECodeChallenge(verifier) };
}

/** The OAuth error code a failed openid-client call got, from the body or the WWW-Authenticate challenge. */
export async function oauthErrorOf(pending: Promise<unknown>): Promise<string> {
  try {
    await pending;
  } catch (error) {
    const e = error as { error?: string; cause?: Array<{ parameters?: { error?: string } }> };
    if (typeof e.error === 'string') return e.error;
    const challenge = Array.isArray(e.cause) ? e.cause[0]?.parameters?.error : undefined;
    if (challenge) return challenge;
    throw error;
  }
  throw new Error('expected the call to fail');
}
