// /t/{org}/api/server/v1/administrators: the owner invites and removes administrators from
// the Console (a signed-in owner's token); anyone with the view scope may list them.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { System } from '../../system.ts';
import type { User } from '../../repos/user-repo.ts';
import { AppError } from '../../errors.ts';
import { apiCaller, authorized } from './principal.ts';
import { IDEMPOTENCY_KEY_HEADER_SCHEMA, idempotentCreate } from '../idempotency.ts';

const administratorSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    email: { type: 'string' },
    givenName: { type: ['string', 'null'] },
    familyName: { type: ['string', 'null'] },
    role: { type: 'string', enum: ['owner', 'admin'] },
    accountState: { type: 'string', enum: ['pending', 'active', 'locked', 'disabled'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

function present(user: User) {
  return {
    id: user.id,
    email: user.userName,
    givenName: user.givenName,
    familyName: user.familyName,
    role: user.adminRole,
    accountState: user.accountState,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Managing administrators is the owner's, in person: an application token cannot do it. */
function ownerRequest(request: FastifyRequest, scope: string) {
  const access = authorized(request, scope);
  if (access.principal.kind !== 'user') throw new AppError('auth.forbidden', "Administrators are managed by the owner, with the owner's own sign-in");
  return access;
}

export async function administratorRoutes(app: FastifyInstance, { system }: { system: System }) {
  const service = system.services.administrators;
  const tags = ['Administrators'];

  app.get(
    '/server/v1/administrators',
    { schema: { tags, summary: 'List the owner and administrators', response: { 200: { type: 'object', properties: { administrators: { type: 'array', items: administratorSchema } } } } } },
    async (request) => {
      const { organization } = authorized(request, 'internal_org_admin_mgt_view');
      return { administrators: (await service.listAdministrators(organization.id)).map(present) };
    },
  );

  app.post<{ Body: { email: string; givenName?: string; familyName?: string; delivery?: 'email' | 'link' } }>(
    '/server/v1/administrators',
    {
      ...idempotentCreate(system, apiCaller('internal_org_admin_mgt_create', ownerRequest)),
      schema: {
        tags,
        summary: 'Invite an administrator (owner only)',
        headers: IDEMPOTENCY_KEY_HEADER_SCHEMA,
        description: 'Creates a pending administrator and mails an invitation to set a password, or returns the link with delivery "link".',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['email'],
          properties: {
            email: { type: 'string', maxLength: 254 },
            givenName: { type: 'string', maxLength: 256 },
            familyName: { type: 'string', maxLength: 256 },
            delivery: { type: 'string', enum: ['email', 'link'] },
          },
        },
        response: { 201: { type: 'object', properties: { ...administratorSchema.properties, invitationLink: { type: 'string' } } } },
      },
    },
    async (request, reply) => {
      const { organization, principal, ctx } = ownerRequest(request, 'internal_org_admin_mgt_create');
      const view = await service.inviteAdministrator(organization, principal.id, request.body, ctx);
      const link = view.invitation?.delivery === 'link' ? view.invitation.url : undefined;
      return reply.code(201).send({ ...present(view.user), ...(link && { invitationLink: link }) });
    },
  );

  app.delete<{ Params: { org: string; id: string } }>(
    '/server/v1/administrators/:id',
    { schema: { tags, summary: 'Remove an administrator (owner only; the owner cannot be removed)', response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const { organization, principal, ctx } = ownerRequest(request, 'internal_org_admin_mgt_delete');
      await service.removeAdministrator(organization.id, principal.id, request.params.id, ctx);
      return reply.code(204).send();
    },
  );
}
