// HTTP Strict Transport Security: once a browser has reached the server over https, it never
// again tries plain http for this host (or its subdomains) for a year, so a network attacker
// cannot downgrade the next visit. Sent only when PUBLIC_URL is https: on plain-http
// development servers the header would be ignored anyway, and on localhost it would pin every
// other port's server to https.

import type { FastifyInstance } from 'fastify';

export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

export function addStrictTransportSecurity(app: FastifyInstance, publicUrl: string): void {
  if (!publicUrl.startsWith('https:')) return;
  // Set on the raw response at the start of each request, so it is also on the replies the
  // OpenID Provider writes itself (hijacked, they skip Fastify's onSend hooks) and on errors.
  app.addHook('onRequest', async (_request, reply) => {
    reply.raw.setHeader('strict-transport-security', STRICT_TRANSPORT_SECURITY);
  });
}
