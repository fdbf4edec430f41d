// Sends a hosted page with the headers every such page needs.

import type { FastifyReply } from 'fastify';
import { HOSTED_PAGE_CSP } from './layout.ts';

export const HOSTED_PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': HOSTED_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(HOSTED_PAGE_HEADERS).type('text/html; charset=utf-8').send(body);
}
