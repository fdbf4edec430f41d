// Every hosted-form POST must come from a page of this server (docs/security.md section 9): a
// browser says where a request comes from in Sec-Fetch-Site, and in Origin for every POST. A
// request another site's page made is refused before any handler runs, whatever token it
// carries; clients that send neither header (curl, tests) are left to the form tokens.

import type { FastifyInstance } from 'fastify';
import { sendPage } from '../web/reply.ts';
import { messagePage } from '../web/pages/message-page.ts';

/** 'none' is a request the user started themselves (typed, bookmarked), never another site's. */
const ACCEPTED_FETCH_SITES = new Set(['same-origin', 'none']);

export function crossSiteReason(headers: Record<string, string | string[] | undefined>, publicOrigin: string): string | undefined {
  const site = headers['sec-fetch-site'];
  // Where the browser sends it, it decides: our pages' Referrer-Policy no-referrer makes their
  // own posts carry "Origin: null", which says nothing.
  if (typeof site === 'string') return ACCEPTED_FETCH_SITES.has(site) ? undefined : `Sec-Fetch-Site is ${site}`;
  const origin = headers.origin;
  if (typeof origin === 'string' && origin !== 'null' && origin !== publicOrigin) return `Origin ${origin} is not ${publicOrigin}`;
  return undefined;
}

export function enforceSameOriginPosts(app: FastifyInstance, publicUrl: string): void {
  const publicOrigin = new URL(publicUrl).origin;
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return;
    const reason = crossSiteReason(request.headers, publicOrigin);
    if (!reason) return;
    request.log.warn({ reason }, 'cross-site form post refused');
    return sendPage(reply, 403, messagePage({ title: 'Not allowed', message: 'This form can only be sent from its own page. Go back, reload the page and try again.', tone: 'error' }));
  });
}
