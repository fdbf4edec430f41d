// One way to call Tessera's APIs from the apps: the bearer token added, JSON both ways, and every
// failure turned into an ApiError whose message can be shown to a person as it is. SCIM errors
// ({ status, scimType, detail }) and management API errors ({ code, message, details }) both end
// up here.

import { accessToken, expireAccessToken, signIn } from '../auth/oidc.ts';

export class ApiError extends Error {
  readonly status: number;
  /** `scimType` for SCIM, `code` for the management API. */
  readonly code?: string;
  readonly details?: Record<string, unknown>;

  constructor(status: number, message: string, code?: string, details?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** SCIM endpoints want application/scim+json. */
  scim?: boolean;
  /** A body sent as it is (a file upload), with its own content type, instead of JSON. */
  raw?: { body: Blob | string; contentType: string };
}

async function send(url: string, token: string, options: RequestOptions): Promise<Response> {
  const contentType = options.scim ? 'application/scim+json' : 'application/json';
  const hasBody = options.body !== undefined || options.raw !== undefined;
  return fetch(url, {
    method: options.method ?? (hasBody ? 'POST' : 'GET'),
    headers: {
      authorization: `Bearer ${token}`,
      accept: `${contentType}, application/json`,
      ...(hasBody && { 'content-type': options.raw?.contentType ?? contentType }),
      ...options.headers,
    },
    body: options.raw ? options.raw.body : options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

async function errorFrom(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!body) return new ApiError(response.status, `The server answered ${response.status} ${response.statusText}`.trim());
  if (typeof body.detail === 'string' || Array.isArray(body.schemas)) {
    return new ApiError(response.status, String(body.detail ?? `Request failed (${response.status})`), body.scimType as string | undefined);
  }
  return new ApiError(
    response.status,
    String(body.message ?? `Request failed (${response.status})`),
    body.code as string | undefined,
    body.details as Record<string, unknown> | undefined,
  );
}

/** The response of an API call with the bearer token, refreshed once on a 401; signs in again when that fails too. */
async function authorizedFetch(url: string, options: RequestOptions): Promise<Response> {
  let token = await accessToken();
  if (!token) return signIn();
  let response = await send(url, token, options);
  if (response.status === 401) {
    // The token may have been revoked or expired early: refresh once, then sign in again.
    expireAccessToken();
    token = await accessToken();
    if (!token) return signIn();
    response = await send(url, token, options);
    if (response.status === 401) return signIn();
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** Calls an API of this organization; answers the parsed JSON body (undefined for 204). */
export async function apiRequest<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const response = await authorizedFetch(url, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Saves what a download endpoint answers as a file, named as the server's Content-Disposition
 * says. The bearer token rules out a plain link, so the body is fetched and handed to the
 * browser's own download through an object URL.
 */
export async function apiDownload(url: string, fallbackName: string): Promise<void> {
  const response = await authorizedFetch(url, { headers: { accept: '*/*' } });
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is released once the browser has taken it.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** Words for any error a query or mutation may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The server could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong';
}
