// CSRF tokens for the public forms that no sign-in protects (sign-up, forgot password, "send me
// a new link"): the HMAC of form-token.ts over the form's subject *and* a random value this
// browser holds in an HttpOnly cookie (the signed double-submit pattern). A token copied from
// someone else's page, or fetched by an attacker's server, is useless in another browser.
// Kept in our HMAC rather than @fastify/csrf-protection so that every hosted form, the
// provider's interaction forms included, checks one kind of token.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { formToken, isValidFormToken } from './form-token.ts';
import { randomToken } from '../security/tokens.ts';

export const VISITOR_COOKIE = 'tessera_visitor';
const VISITOR_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A visitor value set during this request (the cookie arrives only with the next one). */
const issued = new WeakMap<FastifyRequest, string>();

function visitorOf(request: FastifyRequest): string | undefined {
  const fromCookie = request.cookies?.[VISITOR_COOKIE];
  if (fromCookie && VISITOR_SHAPE.test(fromCookie)) return fromCookie;
  return issued.get(request);
}

/** The form's token for this browser, setting the visitor cookie on the reply when it has none. */
export function visitorFormToken(reply: FastifyReply, key: Buffer, subject: string): string {
  const { request } = reply;
  let visitor = visitorOf(request);
  if (!visitor) {
    visitor = randomToken(32);
    issued.set(request, visitor);
    // Path, HttpOnly, SameSite and Secure (when PUBLIC_URL is https) come from app.ts's cookie defaults.
    reply.setCookie(VISITOR_COOKIE, visitor);
  }
  return formToken(key, `${subject}:${visitor}`);
}

export function isValidVisitorFormToken(request: FastifyRequest, key: Buffer, subject: string, presented: unknown): boolean {
  const visitor = request.cookies?.[VISITOR_COOKIE];
  return visitor !== undefined && VISITOR_SHAPE.test(visitor) && isValidFormToken(key, `${subject}:${visitor}`, presented);
}
