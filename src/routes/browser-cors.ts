// Cross-origin access for browser applications (CORS) on an organization's OpenID Connect
// (/t/{org}/oauth2/*, /t/{org}/oidc/*), SCIM (/t/{org}/scim2/*) and management API
// (/t/{org}/api/*) endpoints. An origin is allowed when it is one of that organization's
// browser origins (services/browser-origins.ts); the answer then names it, with credentials
// (the Asgardeo SDKs send them), and never `*`. Every response of these paths varies by Origin.
//
// Hand-written rather than @fastify/cors: the OpenID Connect endpoints hijack the reply and
// oidc-provider writes the raw response itself, with CORS headers of its own (its open
// endpoints allow any origin, and without credentials). One hook at the raw-response level
// serves the three surfaces alike and is what keeps the provider's headers out: once it has
// decided, no later `Access-Control-*` header reaches the response.

import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { System } from '../system.ts';

const PATHS = /^\/t\/([^/?#]+)\/(oauth2|oidc|scim2|api)(?:[/?#]|$)/;
const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type, If-Match, DPoP, Idempotency-Key';
const EXPOSE_HEADERS = 'ETag, Location, WWW-Authenticate, DPoP-Nonce, Idempotent-Replayed, Retry-After';
const PREFLIGHT_MAX_AGE = '600';

/** Stops any later Access-Control-* header (oidc-provider's own) from reaching this response. */
function sealCorsHeaders(response: ServerResponse): void {
  const setHeader = response.setHeader.bind(response);
  response.setHeader = ((name: string, value: number | string | readonly string[]) =>
    name.toLowerCase().startsWith('access-control-') ? response : setHeader(name, value)) as ServerResponse['setHeader'];
}

function handleOf(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function addBrowserCors(app: FastifyInstance, system: System): void {
  app.addHook('onRequest', async (request, reply) => {
    const match = PATHS.exec(request.url);
    if (!match) return;
    const raw = reply.raw;
    raw.setHeader('vary', 'Origin');
    const origin = request.headers.origin;
    const handle = handleOf(match[1]);
    const allowed = typeof origin === 'string' && handle !== undefined && (await system.services.browserOrigins.isAllowed(handle, origin));
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (allowed) {
      raw.setHeader('access-control-allow-origin', origin);
      raw.setHeader('access-control-allow-credentials', 'true');
      if (preflight) {
        raw.setHeader('access-control-allow-methods', ALLOW_METHODS);
        raw.setHeader('access-control-allow-headers', ALLOW_HEADERS);
        raw.setHeader('access-control-max-age', PREFLIGHT_MAX_AGE);
      } else {
        raw.setHeader('access-control-expose-headers', EXPOSE_HEADERS);
      }
    }
    sealCorsHeaders(raw);
    if (!preflight) return;
    if (!allowed) {
      return reply.code(403).send({ code: 'cors.origin_not_allowed', message: 'This origin may not call this organization from a browser', requestId: request.id });
    }
    return reply.code(204).send();
  });
}
