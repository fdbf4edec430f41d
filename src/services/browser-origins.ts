// Which web origins may call an organization's endpoints from a browser (CORS): the origins of
// its applications' redirect URIs plus each application's `allowedOrigins`.
//
// Read on every cross-origin request (a preflight and the request after it), so it is cached
// per organization. This instance drops an organization's entry whenever one of its applications
// is created, changed or deleted here; another instance sharing the database learns of the
// change when its entry expires, after at most BROWSER_ORIGINS_TTL_MS. That short delay (an origin
// removed stays allowed on the other instance for up to that long) is accepted: CORS only decides
// whether a browser page may read the answer, every request is still authenticated as usual.

import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../errors.ts';

export const BROWSER_ORIGINS_TTL_MS = 30_000;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why `origin` cannot be an allowed origin, or undefined: https, or http on loopback; exactly scheme://host[:port]. */
export function allowedOriginProblem(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `"${origin}" is not an origin (scheme://host[:port])`;
  }
  if (origin.includes('*')) return `"${origin}" must not contain wildcards`;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return `"${origin}" must use https (http only for localhost or 127.0.0.1)`;
  }
  if (url.origin !== origin) return `"${origin}" must be exactly scheme://host[:port], with no path, query or trailing slash (did you mean "${url.origin}"?)`;
  return undefined;
}

export function checkAllowedOrigins(origins: string[]): string[] {
  for (const origin of origins) {
    const problem = allowedOriginProblem(origin);
    if (problem) throw new AppError('application.invalid', `Invalid allowed origin: ${problem}`, { details: { field: 'allowedOrigins' } });
  }
  return [...new Set(origins)];
}

function originOf(uri: string): string | undefined {
  try {
    const { origin } = new URL(uri);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

interface Entry {
  /** Undefined for a handle no organization has (never cached). */
  orgId: string | undefined;
  origins: Set<string>;
  expiresAt: number;
}

export function createBrowserOrigins(deps: { repos: Repos; clock: Clock; ttlMs?: number }) {
  const ttl = deps.ttlMs ?? BROWSER_ORIGINS_TTL_MS;
  const entries = new Map<string, Entry>();
  // A load that started before an invalidation may have read the old rows: it is not kept.
  let generation = 0;

  async function load(handle: string): Promise<Entry> {
    const started = generation;
    const organization = await deps.repos.organizations.findByHandle(handle);
    const origins = new Set<string>();
    if (organization) {
      for (const source of await deps.repos.applications.listOriginSources(organization.id)) {
        for (const uri of source.redirectUris) {
          const origin = originOf(uri);
          if (origin) origins.add(origin);
        }
        for (const origin of source.allowedOrigins) origins.add(origin);
      }
    }
    const entry = { orgId: organization?.id, origins, expiresAt: deps.clock.now().getTime() + ttl };
    // Only organizations that exist are kept: made-up handles would otherwise grow the cache
    // without bound (anyone can send an Origin header to /t/anything/api).
    if (organization && started === generation) entries.set(handle, entry);
    return entry;
  }

  async function current(handle: string): Promise<Entry> {
    const cached = entries.get(handle);
    return cached && cached.expiresAt > deps.clock.now().getTime() ? cached : load(handle);
  }

  return {
    /** Whether a page at `origin` may call the endpoints of the organization `handle`. */
    async isAllowed(handle: string, origin: string): Promise<boolean> {
      return (await current(handle)).origins.has(origin);
    },

    /** Every origin allowed for the organization `handle`. */
    async originsOf(handle: string): Promise<string[]> {
      return [...(await current(handle)).origins];
    },

    /** Forgets what is cached for the organization (its applications changed). */
    invalidate(orgId: string): void {
      generation += 1;
      for (const [handle, entry] of entries) if (entry.orgId === orgId) entries.delete(handle);
    },
  };
}

export type BrowserOrigins = ReturnType<typeof createBrowserOrigins>;
