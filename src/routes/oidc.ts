// Hands /t/{org}/oauth2/* and /t/{org}/oidc/* to the organization's OpenID Provider. The
// provider reads the body itself, so these routes accept any content type unparsed.

import type { FastifyInstance, FastifyRequest, FastifyReply } from 'fastify';
import type { System } from '../system.ts';
import { organizationPath } from '../oidc/routes.ts';
import { PROVIDER_PAGE_CSP } from '../oidc/provider-page-csp.ts';
import { HOSTED_PAGE_HEADERS } from '../web/reply.ts';
import { withRequestCache } from '../oidc/request-cache.ts';

// Asgardeo publishes discovery under the issuer, which is the token endpoint's URL.
const DISCOVERY_UNDER_ISSUER = '/oauth2/token/.well-known/openid-configuration';

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
    await withRequestCache(() => entry.handle(raw, reply.raw));
  }

  app.all('/t/:org/oauth2/*', handOver);
  app.all('/t/:org/oidc/*', handOver);
}
