// /t/{org}/api/server/v1/users/{id}/...: what an administrator does for one user from the
// Console's Edit page (issue 14 item 8): the failed-sign-in lockout (shown, cleared), the
// user's sessions (listed with device, browser and address; ended one by one or all), and a
// password-reset mail. Refusals of the privileged-account rules are 403 naming the rule.

import type { FastifyInstance } from 'fastify';
import type { System } from '../../system.ts';
import type { LockoutStatus } from '../../services/account-support-service.ts';
import type { SessionSummary } from '../../services/session-service.ts';
import { API_ERROR_SCHEMA } from './error-schema.ts';
import { authorized } from './principal.ts';

const userParams = { type: 'object', properties: { id: { type: 'string', description: 'The user id' } }, required: ['id'] } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;

const lockoutSchema = {
  type: 'object',
  properties: {
    locked: { type: 'boolean', description: 'Failed sign-ins refuse password checks of this account, from some addresses or from all' },
    lockedUntil: { ...nullableDateTime, description: 'When the last of the refusals ends by itself' },
    account: {
      type: ['object', 'null'],
      description: 'Refused from every address (the account-wide limit was reached)',
      properties: { until: dateTime },
    },
    addresses: {
      type: 'array',
      description: 'Client addresses from which this account is refused (the per-address limit was reached)',
      items: { type: 'object', properties: { address: { type: 'string' }, until: dateTime } },
    },
    accountFailures: { type: 'integer', description: 'Failures counted against the account from all addresses in the account-wide window' },
  },
} as const;

const sessionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    signedInAt: nullableDateTime,
    expiresAt: nullableDateTime,
    lastSeenAt: { ...nullableDateTime, description: 'The last browser request that carried the session' },
    clientAddress: { type: ['string', 'null'], description: 'The client address of that request (behind TRUST_PROXY, the forwarded one)' },
    browser: { type: ['string', 'null'], examples: ['Chrome 131'] },
    os: { type: ['string', 'null'], examples: ['macOS Sonoma'] },
    deviceType: { type: ['string', 'null'], examples: ['desktop', 'mobile', 'tablet'] },
    applications: { type: 'array', items: { type: 'object', properties: { clientId: { type: 'string' }, name: { type: 'string' } } } },
  },
} as const;

const errors = { 403: API_ERROR_SCHEMA, 404: API_ERROR_SCHEMA };

function lockoutJson(status: LockoutStatus) {
  return {
    locked: status.locked,
    lockedUntil: status.lockedUntil?.toISOString() ?? null,
    account: status.account && { until: status.account.until.toISOString() },
    addresses: status.addresses.map((a) => ({ address: a.address, until: a.until.toISOString() })),
    accountFailures: status.accountFailures,
  };
}

function sessionJson(session: SessionSummary) {
  const { current: _mine, ...shown } = session;
  return {
    ...shown,
    signedInAt: session.signedInAt?.toISOString() ?? null,
    expiresAt: session.expiresAt?.toISOString() ?? null,
    lastSeenAt: session.lastSeenAt?.toISOString() ?? null,
  };
}

export async function userSupportRoutes(app: FastifyInstance, { system }: { system: System }) {
  const { accountSupport, sessions } = system.services;

  app.get<{ Params: { id: string } }>(
    '/users/:id/sign-in-lockout',
    { schema: { tags: ['Users: sign-in lockout'], summary: 'Whether failed sign-ins lock the user out, and until when', params: userParams, response: { 200: lockoutSchema, ...errors } } },
    async (request) => {
      const { organization } = authorized(request, 'internal_user_mgt_view');
      return lockoutJson(await accountSupport.lockoutStatus(organization.id, request.params.id));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/users/:id/sign-in-lockout',
    {
      schema: {
        tags: ['Users: sign-in lockout'],
        summary: "Clear the user's failed sign-ins (account-wide and from every address), on every instance",
        description: 'Answers the lockout as it was before clearing. Administrators are the owner\'s to clear (403 naming the rule).',
        params: userParams,
        response: { 200: lockoutSchema, ...errors },
      },
    },
    async (request) => {
      const { organization, ctx } = authorized(request, 'internal_user_mgt_update');
      return lockoutJson(await accountSupport.clearLockout(organization.id, request.params.id, ctx));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/users/:id/sessions',
    {
      schema: {
        tags: ['Users: sessions'],
        summary: "The user's sign-in sessions, with device, browser, address and last use, newest first",
        params: userParams,
        response: { 200: { type: 'object', properties: { sessions: { type: 'array', items: sessionSchema } } }, ...errors },
      },
    },
    async (request) => {
      const { organization } = authorized(request, 'internal_user_mgt_view');
      return { sessions: (await sessions.listUserSessions(organization.id, request.params.id)).map(sessionJson) };
    },
  );

  app.delete<{ Params: { id: string; sessionId: string } }>(
    '/users/:id/sessions/:sessionId',
    {
      schema: {
        tags: ['Users: sessions'],
        summary: 'End one session of the user and the tokens it issued',
        params: { type: 'object', properties: { id: { type: 'string' }, sessionId: { type: 'string' } }, required: ['id', 'sessionId'] },
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      const { organization, ctx } = authorized(request, 'internal_user_mgt_update');
      await sessions.revokeUserSession(organization.id, request.params.id, request.params.sessionId, ctx);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/users/:id/sessions',
    {
      schema: {
        tags: ['Users: sessions'],
        summary: 'End every session of the user, with every grant and token',
        params: userParams,
        response: { 200: { type: 'object', properties: { ended: { type: 'integer', description: 'Sessions ended' } } }, ...errors },
      },
    },
    async (request) => {
      const { organization, ctx } = authorized(request, 'internal_user_mgt_update');
      return sessions.revokeAllUserSessions(organization.id, request.params.id, ctx);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/users/:id/password-reset',
    {
      schema: {
        tags: ['Users: password reset'],
        summary: 'Mail an active user the password-reset link that "forgot password" sends',
        description: 'Through the outbox: the mail id answers GET /server/v1/mails/{mailId}. A pending user is re-invited instead, a locked or disabled one unlocked first (409).',
        params: userParams,
        response: { 202: { type: 'object', properties: { mailId: { type: 'string' } } }, 409: API_ERROR_SCHEMA, ...errors },
      },
    },
    async (request, reply) => {
      const { organization, ctx } = authorized(request, 'internal_user_mgt_update');
      return reply.code(202).send(await accountSupport.sendPasswordReset(organization, request.params.id, ctx));
    },
  );
}
