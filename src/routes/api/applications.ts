// /t/{org}/api/server/v1/applications: register, read, change and delete the organization's
// applications; rotate a confidential client's secret; choose the groups allowed to use one.

import type { FastifyInstance } from 'fastify';
import type { System } from '../../system.ts';
import type { Application } from '../../repos/application-repo.ts';
import type { ApplicationUpdate, NewApplicationInput } from '../../services/application-service.ts';
import { apiCaller, authorized } from './principal.ts';
import { IDEMPOTENCY_KEY_HEADER_SCHEMA, idempotentCreate } from '../idempotency.ts';
import { API_ERROR_SCHEMA } from './error-schema.ts';

const uriList = { type: 'array', items: { type: 'string', maxLength: 2048 }, maxItems: 50 } as const;
const originList = {
  type: 'array',
  items: { type: 'string', maxLength: 300 },
  maxItems: 50,
  description: 'Browser origins (https://host[:port], or http on localhost/127.0.0.1) allowed to call this organization from a browser (CORS), besides the redirect URIs\' origins',
} as const;
const idList = { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 200 } as const;

const applicationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    clientId: { type: 'string', description: 'The OAuth client_id (same as id)' },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    type: { type: 'string', enum: ['spa', 'web', 'm2m'] },
    builtIn: { type: ['string', 'null'], enum: ['console', 'myaccount', null] },
    hasSecret: { type: 'boolean' },
    redirectUris: { type: 'array', items: { type: 'string' } },
    postLogoutRedirectUris: { type: 'array', items: { type: 'string' } },
    allowedOrigins: { type: 'array', items: { type: 'string' } },
    scopes: { type: 'array', items: { type: 'string' } },
    accessRestricted: { type: 'boolean', description: 'Only members of allowedGroupIds may sign in' },
    allowedGroupIds: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'clientId', 'name', 'type', 'hasSecret', 'redirectUris', 'postLogoutRedirectUris', 'allowedOrigins', 'scopes', 'accessRestricted', 'allowedGroupIds'],
} as const;

const withSecret = {
  type: 'object',
  properties: { ...applicationSchema.properties, clientSecret: { type: 'string', description: 'Shown once; store it now' } },
} as const;


const errors = { 400: API_ERROR_SCHEMA, 401: API_ERROR_SCHEMA, 403: API_ERROR_SCHEMA, 404: API_ERROR_SCHEMA } as const;
const idParams = { type: 'object', properties: { org: { type: 'string' }, id: { type: 'string' } }, required: ['org', 'id'] } as const;

function present(app: Application) {
  return { ...app, clientId: app.id, createdAt: app.createdAt.toISOString(), updatedAt: app.updatedAt.toISOString() };
}


export async function applicationRoutes(app: FastifyInstance, { system }: { system: System }) {
  const service = system.services.applications;
  const tags = ['Applications'];

  app.get(
    '/server/v1/applications',
    { schema: { tags, summary: 'List applications', response: { 200: { type: 'object', properties: { applications: { type: 'array', items: applicationSchema } } }, ...errors } } },
    async (request) => {
      const { organization } = authorized(request, 'internal_application_mgt_view');
      return { applications: (await service.listApplications(organization.id)).map(present) };
    },
  );

  app.post<{ Body: NewApplicationInput }>(
    '/server/v1/applications',
    {
      ...idempotentCreate(system, apiCaller('internal_application_mgt_create')),
      schema: {
        tags,
        summary: 'Register an application',
        headers: IDEMPOTENCY_KEY_HEADER_SCHEMA,
        description: 'spa: public client with PKCE; web: confidential client with a secret; m2m: client credentials with API scopes.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'type'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            type: { type: 'string', enum: ['spa', 'web', 'm2m'] },
            description: { type: ['string', 'null'], maxLength: 500 },
            redirectUris: uriList,
            postLogoutRedirectUris: uriList,
            allowedOrigins: originList,
            scopes: { type: 'array', items: { type: 'string' }, maxItems: 50 },
            allowedGroupIds: idList,
            accessRestricted: { type: 'boolean' },
          },
        },
        response: { 201: withSecret, ...errors },
      },
    },
    async (request, reply) => {
      const { organization, ctx } = authorized(request, 'internal_application_mgt_create');
      const { application, clientSecret } = await service.createApplication(organization.id, request.body, ctx);
      reply.header('location', `${system.config.publicUrl}/t/${organization.handle}/api/server/v1/applications/${application.id}`);
      return reply.code(201).send({ ...present(application), ...(clientSecret && { clientSecret }) });
    },
  );

  app.get<{ Params: { org: string; id: string } }>(
    '/server/v1/applications/:id',
    { schema: { tags, summary: 'Read an application', params: idParams, response: { 200: applicationSchema, ...errors } } },
    async (request) => {
      const { organization } = authorized(request, 'internal_application_mgt_view');
      return present(await service.getApplication(organization.id, request.params.id));
    },
  );

  app.patch<{ Params: { org: string; id: string }; Body: ApplicationUpdate }>(
    '/server/v1/applications/:id',
    {
      schema: {
        tags,
        summary: 'Change an application',
        description: 'Only the fields sent change. Sending allowedGroupIds restricts the application to those groups (an empty list lifts the restriction unless accessRestricted is true).',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            description: { type: ['string', 'null'], maxLength: 500 },
            redirectUris: uriList,
            postLogoutRedirectUris: uriList,
            allowedOrigins: originList,
            scopes: { type: 'array', items: { type: 'string' }, maxItems: 50 },
            allowedGroupIds: idList,
            accessRestricted: { type: 'boolean' },
          },
        },
        response: { 200: applicationSchema, ...errors },
      },
    },
    async (request) => {
      const { organization, ctx } = authorized(request, 'internal_application_mgt_update');
      return present(await service.updateApplication(organization.id, request.params.id, request.body, ctx));
    },
  );

  app.post<{ Params: { org: string; id: string } }>(
    '/server/v1/applications/:id/secret',
    {
      schema: {
        tags,
        summary: "Rotate a confidential application's client secret",
        description: 'The old secret stops working at once and tokens issued to the application are revoked.',
        params: idParams,
        response: { 200: withSecret, ...errors },
      },
    },
    async (request) => {
      const { organization, ctx } = authorized(request, 'internal_application_mgt_update');
      const { application, clientSecret } = await service.rotateSecret(organization.id, request.params.id, ctx);
      return { ...present(application), clientSecret };
    },
  );

  app.delete<{ Params: { org: string; id: string } }>(
    '/server/v1/applications/:id',
    { schema: { tags, summary: 'Delete an application and revoke its tokens', params: idParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      const { organization, ctx } = authorized(request, 'internal_application_mgt_delete');
      await service.deleteApplication(organization.id, request.params.id, ctx);
      return reply.code(204).send();
    },
  );
}
