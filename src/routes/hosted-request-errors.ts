// The hosted pages answer every refusal as a page, including those Fastify raises before a
// route runs: a body in a format a form never sends (415), one too large (413), one that cannot
// be read or fails the route's schema (400). Without this, a person who reached such a refusal
// saw raw JSON meant for APIs (issue 13 item 8). The words are written for people; the
// framework's own message (which names parsers and schemas) stays in the log.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from '../web/reply.ts';
import { messagePage } from '../web/pages/message-page.ts';

const WORDS: Record<number, { title: string; message: string }> = {
  400: { title: 'Could not read the form', message: 'What the page sent could not be read. Go back, reload the page and try again.' },
  413: { title: 'Too much sent', message: 'What the page sent is too large. Go back and try again with less.' },
  415: { title: 'Could not read the form', message: 'This page accepts its own form only. Go back, reload the page and try again.' },
};

/** True when `error` is a client error Fastify raised (parsing, size, media type, schema). */
export function isFrameworkClientError(error: unknown): error is { statusCode: number; message: string } {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export function sendRequestErrorPage(request: FastifyRequest, reply: FastifyReply, error: { statusCode: number; message: string }) {
  request.log.info({ status: error.statusCode, reason: error.message }, 'hosted page request refused');
  const words = WORDS[error.statusCode] ?? WORDS[400];
  return sendPage(reply, error.statusCode, messagePage({ title: words.title, message: words.message, tone: 'error' }));
}
