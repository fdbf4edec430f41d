// Builds the HTTP application from a composed system. The server and the tests share it.

import crypto from 'node:crypto';
import fs from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import type { System } from './system.ts';
import type { TrustProxy } from './config.ts';
import { isAppError, retryAfterOf } from './errors.ts';
import { isDatabaseUnavailable } from './db/availability.ts';
import { sendDatabaseUnavailable } from './routes/database-unavailable.ts';
import { loggerOptions } from './logging.ts';
import { healthRoutes } from './routes/health.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { signInRoutes } from './routes/sign-in.ts';
import { setPasswordRoutes } from './routes/set-password.ts';
import { setupRoutes } from './routes/setup.ts';
import { scimRoutes } from './routes/scim/index.ts';
import { managementApiRoutes } from './routes/api/index.ts';
import { STYLESHEET_PATH } from './web/layout.ts';
import { signUpRoutes } from './routes/sign-up.ts';
import { forgotPasswordRoutes } from './routes/forgot-password.ts';
import { forcedChangeRoutes } from './routes/forced-change.ts';
import { devMailboxRoutes } from './routes/dev-mailbox.ts';
import { sendThrottled } from './routes/onboarding-common.ts';
import cookie from '@fastify/cookie';
import { enforceSameOriginPosts } from './routes/same-origin-posts.ts';
import { webAppRoutes } from './routes/web-apps.ts';
import { addStrictTransportSecurity } from './web/transport-security.ts';
import { addBrowserCors } from './routes/browser-cors.ts';
import { addAdmissionControl, type AdmissionBounds } from './routes/admission.ts';
import { recordRoutes, type RouteRecord } from './routes/route-table.ts';
import { isFrameworkClientError, sendRequestErrorPage } from './routes/hosted-request-errors.ts';

const STYLESHEET = fs.readFileSync(new URL('./web/hosted.css', import.meta.url), 'utf8');
const FAVICON = fs.readFileSync(new URL('./web/favicon.svg', import.meta.url));

export interface AppOptions {
  /** Overrides the logger built from the configuration (tests pass false). */
  logger?: FastifyServerOptions['logger'];
  /** Overrides TRUST_PROXY from the configuration. */
  trustProxy?: TrustProxy;
  /** Overrides how many requests work at once and wait (routes/admission.ts); tests shrink them. */
  admission?: AdmissionBounds;
  /** Filled with every route as it is registered (docs/routes.md, routes/route-table.ts). */
  routeTable?: RouteRecord[];
}

/**
 * TRUST_PROXY as Fastify takes it. Fastify 5 treats a bare number as "trust nothing" (a hop count
 * cannot check the peer), so a hop count becomes proxy-addr's function form: the peer and the
 * next `hops - 1` addresses are proxies and the address after them is the client. That is only
 * sound when the server cannot be reached except through exactly that many proxies (README).
 */
function trustProxySetting(trustProxy: TrustProxy): FastifyServerOptions['trustProxy'] {
  if (typeof trustProxy === 'number') return (_address: string, hop: number) => hop < trustProxy;
  return trustProxy;
}

export async function buildApp(system: System, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(system.config.logLevel),
    // Request ids are ours, never taken from the client, so they can be trusted in logs.
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    // request.ip, .protocol and .host come from X-Forwarded-For/-Proto/-Host only when the
    // socket's peer is a proxy TRUST_PROXY names; anyone else could write them (docs/security.md 5).
    trustProxy: trustProxySetting(options.trustProxy ?? system.config.trustProxy),
    bodyLimit: 1024 * 1024,
    // A long path segment (a made-up SCIM id, say) reaches its route and gets that surface's own
    // 404, instead of Fastify's 414 in no API's shape. Still bounded: URLs stay short.
    maxParamLength: 2048,
    // Unknown properties are refused with a 400 that names them, never silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
  });

  if (options.routeTable) recordRoutes(app, options.routeTable);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  addAdmissionControl(app, options.admission);
  // A DELETE (or OPTIONS) without a body is body-less whatever Content-Type it names: Okta sends
  // `Content-Type: application/scim+json` on every request, and a JSON parser would refuse the
  // empty body with 400. Only a request that announces no bytes is treated so; one with a body
  // is still parsed (and checked) as its Content-Type says. GET and HEAD are never parsed.
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'DELETE' && request.method !== 'OPTIONS') return;
    const { headers } = request;
    const length = headers['content-length'];
    if (headers['content-type'] !== undefined && headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) {
      delete headers['content-type'];
    }
  });
  addStrictTransportSecurity(app, system.config.publicUrl);
  addBrowserCors(app, system);

  app.setErrorHandler((error, request, reply) => {
    if (isAppError(error)) {
      const retryAfter = retryAfterOf(error);
      if (retryAfter) reply.header('retry-after', String(retryAfter));
      return reply.code(error.status).send({ code: error.code, message: error.message, details: error.details, requestId: request.id });
    }
    const err = error as { validation?: unknown; statusCode?: number; message?: string };
    if (err.validation || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      return reply.code(err.statusCode ?? 400).send({ code: 'request.invalid', message: err.message, requestId: request.id });
    }
    if (isDatabaseUnavailable(error)) return sendDatabaseUnavailable(request, reply, error);
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ code: 'internal', message: 'Internal server error', requestId: request.id });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: 'request.not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}`, requestId: request.id }),
  );

  app.get(STYLESHEET_PATH, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );
  // Browsers ask for /favicon.ico on every page; an SVG answers for the hosted pages and the apps.
  app.get('/favicon.ico', async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON),
  );
  await app.register(healthRoutes, { system });
  await app.register(oidcRoutes, { system });
  await app.register(scimRoutes, { system, prefix: '/t/:org/scim2' });
  await app.register(managementApiRoutes, { system, prefix: '/t/:org/api' });
  await app.register(webAppRoutes, { system });
  await app.register(async (pages) => {
    await pages.register(formbody);
    // The hosted forms' visitor cookie (web/visitor-form-token.ts) is set with these defaults.
    await pages.register(cookie, { parseOptions: { path: '/', httpOnly: true, sameSite: 'lax', secure: system.config.publicUrl.startsWith('https:') } });
    enforceSameOriginPosts(pages, system.config.publicUrl);
    // A page says "busy, try again", or that the form could not be read, as a page (the JSON
    // answer is for the APIs).
    pages.setErrorHandler((error, request, reply) => {
      const retryAfter = retryAfterOf(error);
      if (retryAfter) return sendThrottled(reply, retryAfter, isAppError(error) ? error.message : undefined);
      if (!isAppError(error) && isFrameworkClientError(error)) return sendRequestErrorPage(request, reply, error);
      throw error;
    });
    await pages.register(signInRoutes, { system });
    await pages.register(setPasswordRoutes, { system });
    await pages.register(setupRoutes, { system });
    await pages.register(signUpRoutes, { system });
    await pages.register(forgotPasswordRoutes, { system });
    await pages.register(forcedChangeRoutes, { system });
    // Only while mails go to the development mailbox: never with SMTP_URL or in production.
    if (system.mail.transport.kind === 'development') await pages.register(devMailboxRoutes, { system });
  });
  return app;
}
