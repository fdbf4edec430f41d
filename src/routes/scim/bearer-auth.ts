// Access-token authentication for the SCIM API and the management API: the token must have been
// issued by this organization's own provider (another organization's token is simply not found),
// be unexpired, and carry the scope the endpoint needs. A token bound to a key at the token
// endpoint (DPoP, RFC 9449) is accepted only as `Authorization: DPoP <token>` with a fresh proof
// of that key for this very request; presented as a bearer token it is refused, so a stolen copy
// is useless without the private key.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { System } from '../../system.ts';
import { ScimError } from '../../scim/errors.ts';
import { sha256Hex } from '../../security/tokens.ts';
import { DPOP_ALGORITHMS, DpopProofError, checkDpopProof } from '../../security/dpop-proof.ts';
import { findPresentedToken } from '../../oidc/presented-token.ts';
import type { Principal } from './context.ts';

type ChallengeError = 'invalid_token' | 'invalid_dpop_proof';

export class AuthenticationError extends ScimError {
  readonly challenge: string;
  constructor(realm: string, detail: string, error?: ChallengeError, scheme: 'Bearer' | 'DPoP' = 'Bearer') {
    super(401, detail);
    const parameters = [`realm="${realm}"`];
    if (scheme === 'DPoP') parameters.push(`algs="${DPOP_ALGORITHMS.join(' ')}"`);
    if (error) parameters.push(`error="${error}"`, `error_description="${detail.replace(/"/g, "'")}"`);
    this.challenge = `${scheme} ${parameters.join(', ')}`;
  }
}

interface PresentedToken {
  scheme: 'Bearer' | 'DPoP';
  token: string;
}

/** The token and its scheme; undefined without an Authorization header, '' as token when it is malformed. */
function presentedToken(request: FastifyRequest): PresentedToken | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^(Bearer|DPoP)\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  if (!match) return { scheme: 'Bearer', token: '' };
  return { scheme: match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: match[2] };
}

/**
 * Refuses a key-bound token unless the request proves possession of the key. A proof's jti is
 * recorded in the database (oidc_payloads, one conditional insert), so a replayed proof is
 * refused by every instance, not only the one that saw it first.
 */
async function assertProofOfPossession(system: System, request: FastifyRequest, orgId: string, realm: string, presented: PresentedToken, jkt: string) {
  if (presented.scheme !== 'DPoP') {
    throw new AuthenticationError(realm, 'The access token is bound to a key: send it as "Authorization: DPoP <token>" with a DPoP proof', 'invalid_token', 'DPoP');
  }
  const header = request.headers.dpop;
  // A JWS has no commas: several DPoP headers (joined by Node with ", ") are refused too.
  if (typeof header !== 'string' || header === '' || header.includes(',')) {
    throw new AuthenticationError(realm, 'Exactly one DPoP header with a proof is required', 'invalid_dpop_proof', 'DPoP');
  }
  const now = system.clock.now();
  let proof;
  try {
    proof = await checkDpopProof({
      proof: header,
      method: request.method,
      // From PUBLIC_URL, never from the Host header: the URL the client meant is the public one.
      url: `${system.config.publicUrl}${request.url.split(/[?#]/)[0]}`,
      accessToken: presented.token,
      jkt,
      now,
    });
  } catch (error) {
    if (error instanceof DpopProofError) throw new AuthenticationError(realm, error.message, 'invalid_dpop_proof', 'DPoP');
    throw error;
  }
  const firstUse = await system.repos.oidcPayloads.insertOnce(orgId, 'DPoPProof', sha256Hex(`${jkt}:${proof.jti}`), proof.acceptableUntil);
  if (!firstUse) throw new AuthenticationError(realm, 'The DPoP proof has already been used', 'invalid_dpop_proof', 'DPoP');
}

export async function authenticate(system: System, request: FastifyRequest, orgHandle: string): Promise<Principal> {
  const entry = await system.providers.get(orgHandle);
  if (!entry) throw new ScimError(404, `No organization "${orgHandle}"`);
  const realm = entry.organization.handle;
  const presented = presentedToken(request);
  if (presented === undefined) throw new AuthenticationError(realm, 'A bearer access token is required');
  const { token } = presented;
  if (token === '') throw new AuthenticationError(realm, 'The Authorization header must be "Bearer <token>" or "DPoP <token>"', 'invalid_token');

  const { provider } = entry;
  // One statement for both kinds: a user's access token or an application's.
  const { userToken, appToken } = await findPresentedToken({ provider, repos: system.repos, clock: system.clock, orgId: entry.organization.id }, token);
  const found = userToken && !userToken.isExpired && userToken.accountId ? userToken : appToken && !appToken.isExpired ? appToken : undefined;
  if (found?.jkt) await assertProofOfPossession(system, request, entry.organization.id, realm, presented, found.jkt);
  else if (found && presented.scheme === 'DPoP') {
    // The DPoP scheme is for key-bound tokens; an unbound one goes as Bearer (refused, not quietly downgraded).
    throw new AuthenticationError(realm, 'The access token is not bound to a key: send it as "Authorization: Bearer <token>"', 'invalid_token');
  }
  if (userToken && found === userToken) {
    // The token outlives nothing: a disabled, locked or deleted user's tokens stop here.
    const user = await system.repos.users.findById(entry.organization.id, userToken.accountId);
    if (!user || user.accountState !== 'active') throw new AuthenticationError(realm, 'The access token is no longer valid', 'invalid_token');
    return {
      kind: 'user',
      id: user.id,
      clientId: userToken.clientId!,
      scopes: new Set((userToken.scope ?? '').split(' ').filter(Boolean)),
      sessionUid: userToken.sessionUid,
    };
  }
  if (appToken && found === appToken) {
    return { kind: 'application', id: appToken.clientId!, clientId: appToken.clientId!, scopes: new Set((appToken.scope ?? '').split(' ').filter(Boolean)) };
  }
  throw new AuthenticationError(realm, 'The access token is invalid or has expired', 'invalid_token');
}

export function requireScope(principal: Principal, scope: string): void {
  if (!principal.scopes.has(scope)) throw new ScimError(403, `The access token lacks the scope ${scope}`);
}

export function sendAuthenticationError(reply: FastifyReply, error: AuthenticationError) {
  return reply.header('www-authenticate', error.challenge);
}
