// Sends a hosted page with the headers every such page needs.

import type { FastifyReply } from 'fastify';
import { HOSTED_PAGE_CSP, hostedPageCsp } from './layout.ts';

export const HOSTED_PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': HOSTED_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** `formTargets`: where the page's form may end after redirects (see layout.ts hostedPageCsp). */
export function sendPage(reply: FastifyReply, status: number, body: string, options: { formTargets?: readonly string[] } = {}): FastifyReply {
  const headers = options.formTargets?.length ? { ...HOSTED_PAGE_HEADERS, 'content-security-policy': hostedPageCsp(options.formTargets) } : HOSTED_PAGE_HEADERS;
  return reply.code(status).headers(headers).type('text/html; charset=utf-8').send(body);
}
