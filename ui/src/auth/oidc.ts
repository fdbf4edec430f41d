// Sign-in for the built-in apps: the authorization code flow with PKCE (S256) against the
// organization's hosted sign-in page, as a public client. Tokens stay in sessionStorage, so
// they live as long as the tab and are never shared with other tabs or sites; an access token
// that expires is refreshed with the rotating refresh token, and when that fails the app signs
// in again (silently while the organization's sign-in session lasts).

import { config } from '../config.ts';

interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Epoch milliseconds, a little before the real expiry. */
  expiresAt: number;
}

interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

export interface SignedInUser {
  sub: string;
  email?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
}

const TOKENS_KEY = `tessera:${config.org}:${config.app}:tokens`;
const PENDING_KEY = `tessera:${config.org}:${config.app}:pending`;
const callbackUrl = `${config.home}callback`;

function randomString(bytes = 32): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return base64Url(data);
}

function base64Url(data: Uint8Array): string {
  let binary = '';
  for (const byte of data) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

function readTokens(): StoredTokens | undefined {
  const raw = sessionStorage.getItem(TOKENS_KEY);
  return raw ? (JSON.parse(raw) as StoredTokens) : undefined;
}

function storeTokens(body: { access_token: string; refresh_token?: string; id_token?: string; expires_in?: number }, previous?: StoredTokens) {
  const tokens: StoredTokens = {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? previous?.refreshToken,
    idToken: body.id_token ?? previous?.idToken,
    expiresAt: Date.now() + Math.max(0, (body.expires_in ?? 300) - 30) * 1000,
  };
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  return tokens;
}

/** Sends the browser to the hosted sign-in page; `returnTo` is the in-app path to come back to. */
export async function signIn(returnTo: string = location.pathname + location.search, extra: Record<string, string> = {}): Promise<never> {
  const pending: PendingSignIn = { state: randomString(), nonce: randomString(), verifier: randomString(48), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(config.authorizeUrl);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: callbackUrl,
    scope: config.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  location.assign(url.href);
  return new Promise<never>(() => {});
}

export class SignInError extends Error {}

/** Completes a sign-in at /callback and answers the in-app path to continue at. */
export async function completeSignIn(search: string): Promise<string> {
  const params = new URLSearchParams(search);
  const pendingRaw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = pendingRaw ? (JSON.parse(pendingRaw) as PendingSignIn) : undefined;
  if (params.get('error')) {
    throw new SignInError(params.get('error_description') || params.get('error') || 'Sign-in failed');
  }
  if (!pending || params.get('state') !== pending.state) throw new SignInError('This sign-in was not started here, or has already been used. Please sign in again.');
  const code = params.get('code');
  if (!code) throw new SignInError('The sign-in response carried no authorization code.');
  const response = await fetch(config.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackUrl,
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = await response.json();
  if (!response.ok) throw new SignInError(body.error_description ?? body.error ?? 'The sign-in could not be completed');
  const claims = decodeJwtPayload(body.id_token);
  if (claims?.nonce !== pending.nonce) throw new SignInError('The sign-in response did not match this sign-in. Please sign in again.');
  storeTokens(body);
  return pending.returnTo;
}

let refreshing: Promise<StoredTokens | undefined> | undefined;

async function refresh(tokens: StoredTokens): Promise<StoredTokens | undefined> {
  if (!tokens.refreshToken) return undefined;
  const response = await fetch(config.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: config.clientId }),
  });
  if (!response.ok) {
    sessionStorage.removeItem(TOKENS_KEY);
    return undefined;
  }
  return storeTokens(await response.json(), tokens);
}

/** A current access token, refreshed when needed; undefined when the user must sign in again. */
export async function accessToken(): Promise<string | undefined> {
  const tokens = readTokens();
  if (!tokens) return undefined;
  if (tokens.expiresAt > Date.now()) return tokens.accessToken;
  // One refresh at a time: rotation makes a refresh token single-use.
  refreshing ??= refresh(tokens).finally(() => {
    refreshing = undefined;
  });
  return (await refreshing)?.accessToken;
}

/** Forgets the access token so that the next call refreshes it (after a 401). */
export function expireAccessToken(): void {
  const tokens = readTokens();
  if (tokens) sessionStorage.setItem(TOKENS_KEY, JSON.stringify({ ...tokens, expiresAt: 0 }));
}

export function isSignedIn(): boolean {
  return readTokens() !== undefined;
}

export function signedInUser(): SignedInUser | undefined {
  const claims = decodeJwtPayload(readTokens()?.idToken);
  if (!claims || typeof claims.sub !== 'string') return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { sub: claims.sub, email: text(claims.email), name: text(claims.name), givenName: text(claims.given_name), familyName: text(claims.family_name) };
}

/** Ends the organization's sign-in session too (RP-initiated logout), then comes back home. */
export function signOut(): void {
  const idToken = readTokens()?.idToken;
  sessionStorage.removeItem(TOKENS_KEY);
  const url = new URL(config.logoutUrl);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    post_logout_redirect_uri: config.home,
    ...(idToken && { id_token_hint: idToken }),
  }).toString();
  location.assign(url.href);
}

function decodeJwtPayload(jwt: string | undefined): Record<string, unknown> | undefined {
  const payload = jwt?.split('.')[1];
  if (!payload) return undefined;
  const json = new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
  return JSON.parse(json) as Record<string, unknown>;
}
