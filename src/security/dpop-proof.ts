// Checks a DPoP proof presented with a sender-constrained access token at a resource API
// (RFC 9449 sections 4.3 and 7.1): signed by the key the token is bound to, for this request,
// for this token, and recent. Replay of a valid proof is the caller's to stop (the jti and the
// time it stays acceptable are returned for that).

import crypto from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, jwtVerify, type JWK } from 'jose';

/** Asymmetric algorithms only: a proof shows possession of a private key, a shared secret proves nothing. */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'];

/** How old a proof may be, and how far ahead of our clock its iat may be. */
export const DPOP_MAX_AGE_SECONDS = 300;
export const DPOP_CLOCK_SKEW_SECONDS = 60;

export class DpopProofError extends Error {}

export interface DpopRequest {
  /** The DPoP header's value. */
  proof: string;
  method: string;
  /** The request's URL without query or fragment, built from PUBLIC_URL. */
  url: string;
  accessToken: string;
  /** The RFC 7638 thumbprint the token is bound to (its cnf.jkt). */
  jkt: string;
  now: Date;
}

export interface CheckedProof {
  jti: string;
  /** Until when the same proof would still pass every other check: its jti must be refused until then. */
  acceptableUntil: Date;
}

function accessTokenHash(accessToken: string): string {
  return crypto.createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** The URL as compared: parsed, without query and fragment; undefined when it is not a URL. */
function comparableUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const url = URL.parse(value);
  if (!url) return undefined;
  url.search = '';
  url.hash = '';
  return url.href;
}

export async function checkDpopProof(request: DpopRequest): Promise<CheckedProof> {
  let verified;
  try {
    // EmbeddedJWK takes the key from the header and refuses a private or symmetric one.
    verified = await jwtVerify(request.proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGORITHMS, currentDate: request.now });
  } catch (error) {
    throw new DpopProofError(`The DPoP proof is not a valid dpop+jwt signed by its embedded public key (${(error as Error).message})`);
  }
  const { payload, protectedHeader } = verified;

  if ((await calculateJwkThumbprint(protectedHeader.jwk as JWK, 'sha256')) !== request.jkt) {
    throw new DpopProofError('The DPoP proof is signed by another key than the one the access token is bound to');
  }
  if (payload.htm !== request.method) throw new DpopProofError(`The DPoP proof's htm must be ${request.method}`);
  if (comparableUrl(payload.htu) !== comparableUrl(request.url)) throw new DpopProofError(`The DPoP proof's htu must be ${request.url}`);
  if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 256) throw new DpopProofError('The DPoP proof needs a jti');
  if (typeof payload.ath !== 'string' || payload.ath !== accessTokenHash(request.accessToken)) {
    throw new DpopProofError("The DPoP proof's ath must be the SHA-256 hash of the access token");
  }

  const now = Math.floor(request.now.getTime() / 1000);
  if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) throw new DpopProofError('The DPoP proof needs an iat');
  if (payload.iat > now + DPOP_CLOCK_SKEW_SECONDS) throw new DpopProofError('The DPoP proof is issued in the future');
  if (payload.iat < now - DPOP_MAX_AGE_SECONDS) throw new DpopProofError(`The DPoP proof is older than ${DPOP_MAX_AGE_SECONDS} seconds`);

  return { jti: payload.jti, acceptableUntil: new Date((payload.iat + DPOP_MAX_AGE_SECONDS + 1) * 1000) };
}
