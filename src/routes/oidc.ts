// Hands /t/{org}/oauth2/* and /t/{org}/oidc/* to the organization's OpenID Provider. The
// provider reads the body itself, so these routes accept any content type unparsed.

import type { FastifyInstance, FastifyRequest, FastifyReply } from 'fastify';
import type { System } from '../system.ts';
import { organizationPath, PROVIDER_ROUTES } from '../oidc/routes.ts';
import { PROVIDER_PAGE_CSP } from '../oidc/provider-page-csp.ts';
import { HOSTED_PAGE_HEADERS } from '../web/reply.ts';
import { withRequestCache } from '../oidc/request-cache.ts';
import { withRequestOrigin } from '../oidc/request-origin.ts';
import { CHECK_SESSION_PAGE, checkSessionCsp } from '../oidc/check-session.ts';

// Asgardeo publishes discovery under the issuer, which is the token endpoint's URL.
const DISCOVERY_UNDER_ISSUER = '/oauth2/token/.well-known/openid-configuration';

/**
 * OpenID Connect Core 3.1.2.1 and RP-Initiated Logout 1.0 require POST (form-encoded) at the
 * authorization and end-session endpoints. oidc-provider offers it only with a SameSite=None
 * session cookie (enableHttpPostMethods), which browsers refuse on plain-HTTP localhost and
 * which would send the session with every cross-site request. Instead such a POST is answered
 * with a 303 to the GET it is equivalent to: a cross-site POST carries no Lax session cookie,
 * but the top-level GET it is redirected to does, so the provider sees the session either way
 * (handing the POST over as a GET directly would make a cross-site logout start a new, empty
 * session whose cookie replaces the person's own).
 */
const POST_AS_GET = new Set([PROVIDER_ROUTES.authorization, PROVIDER_ROUTES.end_session]);
const MAX_FORM_BYTES = 64 * 1024;

/** The request's form body as a query string, or undefined when it is not a form. */
async function formAsQuery(request: FastifyRequest): Promise<string | undefined> {
  const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8')).toString();
}

interface OrgParams {
  org: string;
}

export async function oidcRoutes(app: FastifyInstance, { system }: { system: System }) {
  const publicUrl = new URL(system.config.publicUrl);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  async function handOver(request: FastifyRequest<{ Params: OrgParams }>, reply: FastifyReply) {
    const entry = await system.providers.get(request.params.org);
    if (!entry) {
      return reply.code(404).send({ error: 'invalid_request', error_description: 'unknown organization' });
    }
    const raw = request.raw;
    const prefix = organizationPath(entry.organization.handle);
    const url = raw.url ?? '/';
    let inner = url.slice(prefix.length) || '/';
    const path = inner.split('?')[0];
    if (raw.method === 'POST' && POST_AS_GET.has(path)) {
      const query = await formAsQuery(request);
      if (query === undefined) return reply.code(400).send({ error: 'invalid_request', error_description: 'parameters must be sent form-encoded (application/x-www-form-urlencoded), at most 64 KiB' });
      return reply.code(303).header('cache-control', 'no-store').redirect(`${system.config.publicUrl}${prefix}${path}?${query}`, 303);
    }
    if (inner.startsWith(DISCOVERY_UNDER_ISSUER)) inner = `/.well-known/openid-configuration${inner.slice(DISCOVERY_UNDER_ISSUER.length)}`;
    // The provider derives its mount path from originalUrl minus url, and builds every URL
    // from the forwarded protocol and host: PUBLIC_URL's, whatever Host this request had.
    Object.assign(raw, { originalUrl: `${prefix}${inner}`, url: inner });
    raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
    raw.headers['x-forwarded-host'] = publicUrl.host;
    raw.headers['x-forwarded-for'] = request.ip;
    reply.hijack();
    reply.raw.setHeader('x-request-id', request.id);
    // The hosted pages' headers (but the caching, which the provider sets per endpoint).
    reply.raw.setHeader('content-security-policy', PROVIDER_PAGE_CSP);
    for (const name of ['x-content-type-options', 'x-frame-options', 'referrer-policy']) reply.raw.setHeader(name, HOSTED_PAGE_HEADERS[name]);
    const origin = { userAgent: request.headers['user-agent'] ?? null, clientAddress: request.ip };
    await withRequestOrigin(origin, () => withRequestCache(() => entry.handle(raw, reply.raw)));
  }

  app.get<{ Params: OrgParams }>('/t/:org/oidc/checksession', async (request, reply) => {
    const entry = await system.providers.get(request.params.org);
    if (!entry) return reply.code(404).send({ error: 'invalid_request', error_description: 'unknown organization' });
    const origins = await system.services.browserOrigins.originsOf(entry.organization.handle);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', checkSessionCsp(origins))
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .send(CHECK_SESSION_PAGE);
  });
  app.all('/t/:org/oauth2/*', handOver);
  app.all('/t/:org/oidc/*', handOver);
}
