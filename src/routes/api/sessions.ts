// /t/{org}/api/users/v1/me/sessions: the signed-in user's sessions (My Account uses these).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { System } from '../../system.ts';
import { AppError } from '../../errors.ts';
import { authorized } from './principal.ts';

const sessionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    signedInAt: { type: ['string', 'null'], format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    lastSeenAt: { type: ['string', 'null'], format: 'date-time', description: 'The last browser request that carried the session' },
    clientAddress: { type: ['string', 'null'], description: 'The client address of that request' },
    browser: { type: ['string', 'null'] },
    os: { type: ['string', 'null'] },
    deviceType: { type: ['string', 'null'] },
    applications: { type: 'array', items: { type: 'object', properties: { clientId: { type: 'string' }, name: { type: 'string' } } } },
    current: { type: 'boolean', description: 'The session the calling token was issued in' },
  },
} as const;

function me(request: FastifyRequest) {
  const access = authorized(request, 'internal_login');
  if (access.principal.kind !== 'user') throw new AppError('auth.forbidden', "Sessions belong to users: use a signed-in user's token");
  return access;
}

export async function sessionRoutes(app: FastifyInstance, { system }: { system: System }) {
  const tags = ['My sessions'];
  app.get(
    '/users/v1/me/sessions',
    { schema: { tags, summary: "The signed-in user's sessions", response: { 200: { type: 'object', properties: { sessions: { type: 'array', items: sessionSchema } } } } } },
    async (request) => {
      const { organization, principal } = me(request);
      const sessions = await system.services.sessions.listSessions(organization.id, principal.id, principal.sessionUid);
      return {
        sessions: sessions.map((s) => ({
          ...s,
          signedInAt: s.signedInAt?.toISOString() ?? null,
          expiresAt: s.expiresAt?.toISOString() ?? null,
          lastSeenAt: s.lastSeenAt?.toISOString() ?? null,
        })),
      };
    },
  );

  app.delete<{ Params: { org: string; id: string } }>(
    '/users/v1/me/sessions/:id',
    { schema: { tags, summary: 'End one of your sessions and the tokens it issued', response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const { organization, principal, ctx } = me(request);
      await system.services.sessions.revokeSession(organization.id, principal.id, request.params.id, ctx);
      return reply.code(204).send();
    },
  );
}
