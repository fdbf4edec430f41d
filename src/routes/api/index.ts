// The management API under /t/{org}/api: JSON in and out, errors as
// `{ code, message, details?, requestId }`, bearer tokens of the organization checked once,
// and an OpenAPI 3.1 description at /t/{org}/api/openapi.json generated from the route schemas.

import type { FastifyError, FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { System } from '../../system.ts';
import { isAppError, retryAfterOf } from '../../errors.ts';
import { isDatabaseUnavailable } from '../../db/availability.ts';
import { sendDatabaseUnavailable } from '../database-unavailable.ts';
import { ScimError } from '../../scim/errors.ts';
import { AuthenticationError, authenticate } from '../scim/bearer-auth.ts';
import { applicationRoutes } from './applications.ts';
import { sessionRoutes } from './sessions.ts';
import { myApplicationRoutes } from './my-applications.ts';
import { administratorRoutes } from './administrators.ts';
import { onboardingApiRoutes } from './onboarding.ts';
import { auditRoutes } from './audit.ts';
import { exportRoutes } from './exports.ts';
import { importRoutes } from './imports.ts';
import { bulkActionRoutes } from './bulk-actions.ts';
import { mailSettingsRoutes } from './mail-settings.ts';
import { userSupportRoutes } from './user-support.ts';
import { passwordPolicyRoutes } from './password-policy.ts';
import type { Principal } from '../scim/context.ts';
import { auditRefusedCalls } from '../refused-call-audit.ts';
import type { Organization } from '../../repos/organization-repo.ts';

declare module 'fastify' {
  interface FastifyRequest {
    api?: { organization: Organization; principal: Principal };
  }
}

const CODE_BY_STATUS: Record<number, string> = { 401: 'auth.unauthorized', 403: 'auth.forbidden', 404: 'request.not_found' };

export async function managementApiRoutes(app: FastifyInstance, { system }: { system: System }) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tessera management API',
        version: '1',
        description: "Manage an organization's applications and settings. Authenticate with an access token from the organization's token endpoint.",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  auditRefusedCalls(app, system, (request) => request.api?.principal);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error) && error.status < 500) {
      const retryAfter = retryAfterOf(error);
      if (retryAfter) reply.header('retry-after', String(retryAfter));
      return reply.code(error.status).send({ code: error.code, message: error.message, details: error.details, requestId: request.id });
    }
    if (error instanceof ScimError) {
      if (error instanceof AuthenticationError) reply.header('www-authenticate', error.challenge);
      return reply.code(error.status).send({ code: CODE_BY_STATUS[error.status] ?? 'request.invalid', message: error.message, requestId: request.id });
    }
    if (error.validation) {
      return reply.code(400).send({ code: 'request.invalid', message: error.message, details: { validation: error.validation }, requestId: request.id });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ code: 'request.invalid', message: error.message, requestId: request.id });
    }
    if (isDatabaseUnavailable(error)) return sendDatabaseUnavailable(request, reply, error);
    request.log.error({ err: error }, 'unhandled error in management API request');
    return reply.code(500).send({ code: 'internal', message: 'Internal server error', requestId: request.id });
  });

  app.get<{ Params: { org: string } }>('/openapi.json', { schema: { hide: true } }, async (request) => {
    const document = app.swagger() as { paths?: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>> };
    // Paths are published relative to this organization's API, without the {org} segment.
    const paths = Object.fromEntries(
      Object.entries(document.paths ?? {}).map(([path, operations]) => [
        path.replace(/^\/t\/\{org\}\/api/, ''),
        Object.fromEntries(
          Object.entries(operations).map(([method, operation]) => [
            method,
            { ...operation, parameters: operation.parameters?.filter((p) => !(p.in === 'path' && p.name === 'org')) },
          ]),
        ),
      ]),
    );
    return { ...document, paths, servers: [{ url: `${system.config.publicUrl}/t/${request.params.org}/api` }] };
  });

  await app.register(async (secured) => {
    secured.addHook('preHandler', async (request) => {
      const handle = (request.params as { org?: string }).org ?? '';
      const principal = await authenticate(system, request, handle);
      request.api = { organization: (await system.providers.get(handle))!.organization, principal };
    });
    await secured.register(applicationRoutes, { system });
    await secured.register(sessionRoutes, { system });
    await secured.register(myApplicationRoutes, { system });
    await secured.register(administratorRoutes, { system });
    await secured.register(onboardingApiRoutes, { system, prefix: '/server/v1' });
    await secured.register(auditRoutes, { system });
    await secured.register(exportRoutes, { system });
    await secured.register(importRoutes, { system });
    await secured.register(bulkActionRoutes, { system });
    await secured.register(mailSettingsRoutes, { system });
    await secured.register(userSupportRoutes, { system, prefix: '/server/v1' });
    await secured.register(passwordPolicyRoutes, { system });
  });
}
