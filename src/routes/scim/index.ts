// The SCIM 2.0 API under /t/{org}/scim2: JSON in and out as application/scim+json (plain
// application/json accepted too), RFC 7644 errors for every failure, bearer tokens checked
// once here before any handler runs.

import type { FastifyError, FastifyInstance } from 'fastify';
import type { System } from '../../system.ts';
import { isAppError, retryAfterOf } from '../../errors.ts';
import { auditRefusedCalls } from '../refused-call-audit.ts';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../../db/availability.ts';
import { DATABASE_UNAVAILABLE_MESSAGE, logDatabaseOutage } from '../database-unavailable.ts';
import { ScimError } from '../../scim/errors.ts';
import { scimErrorFromAppError } from '../../scim/app-error.ts';
import { AuthenticationError, authenticate } from './bearer-auth.ts';
import { scimLocations } from './locations.ts';
import { MAX_BODY_BYTES } from './limits.ts';
import { discoveryRoutes } from './discovery.ts';
import { userRoutes } from './users.ts';
import { groupRoutes } from './groups.ts';
import { meRoutes } from './me.ts';
import { bulkRoutes } from './bulk.ts';
import { rootSearchRoutes } from './root-search.ts';

const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

function fromFastifyError(error: FastifyError): ScimError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ScimError(400, `The request body is not valid JSON: ${error.message}`, 'invalidSyntax');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ScimError(415, 'Send the body as application/scim+json or application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ScimError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (error instanceof SyntaxError) return new ScimError(400, `The request body is not valid JSON: ${error.message}`, 'invalidSyntax');
  return undefined;
}

/** Whether a parsed request value holds U+0000 anywhere (walked without recursion: bodies may nest deeply). */
function containsNul(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

export async function scimRoutes(app: FastifyInstance, { system }: { system: System }) {
  const publicUrl = system.config.publicUrl;

  // The SCIM media type is JSON; parse it with Fastify's own (prototype-poisoning-safe) parser.
  // Only JSON is read here: Fastify's built-in text/plain parser would turn other bodies into
  // strings that then fail as invalid SCIM instead of as an unsupported media type (415).
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/scim+json', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, app.getDefaultJsonParser('error', 'error'));

  auditRefusedCalls(app, system, (request) => request.scim?.principal);

  app.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) reply.header('content-type', SCIM_CONTENT_TYPE);
    return payload;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let scimError: ScimError | undefined;
    if (error instanceof ScimError) scimError = error;
    else if (isAppError(error)) scimError = error.status >= 500 ? undefined : scimErrorFromAppError(error);
    else scimError = fromFastifyError(error);
    if (error instanceof AuthenticationError) reply.header('www-authenticate', error.challenge);
    const retryAfter = retryAfterOf(error);
    if (retryAfter) reply.header('retry-after', String(retryAfter));
    if (!scimError && isDatabaseUnavailable(error)) {
      logDatabaseOutage(request, error);
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      scimError = new ScimError(503, DATABASE_UNAVAILABLE_MESSAGE);
    }
    if (!scimError) {
      request.log.error({ err: error }, 'unhandled error in SCIM request');
      scimError = new ScimError(500, `Internal server error (request ${request.id})`);
    }
    return reply.code(scimError.status).type(SCIM_CONTENT_TYPE).send(scimError.toJSON());
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type(SCIM_CONTENT_TYPE).send(new ScimError(404, `No SCIM endpoint ${request.method} ${request.url.split('?')[0]}`).toJSON()),
  );

  await app.register(discoveryRoutes, { publicUrl, organizationExists: async (handle) => (await system.providers.get(handle)) !== undefined });

  // Everything else needs a token of this organization.
  await app.register(async (secured) => {
    secured.addHook('preHandler', async (request) => {
      const handle = (request.params as { org?: string }).org ?? '';
      const principal = await authenticate(system, request, handle);
      // No SCIM value needs U+0000, and PostgreSQL text cannot store it: refuse it at the edge
      // (ids, query parameters, bodies) rather than fail in the database with a 500.
      if (containsNul(request.params) || containsNul(request.query) || containsNul(request.body)) {
        throw new ScimError(400, 'Values cannot contain the character U+0000', 'invalidValue');
      }
      const organization = (await system.providers.get(handle))!.organization;
      request.scim = { organization, principal, locations: scimLocations(publicUrl, organization.handle) };
    });
    await secured.register(userRoutes, { system });
    await secured.register(groupRoutes, { system });
    await secured.register(meRoutes, { system });
    await secured.register(bulkRoutes, { system });
    await secured.register(rootSearchRoutes, { system });
  });
}
