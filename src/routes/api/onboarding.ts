// Management API for onboarding, under /t/{org}/api/server/v1: organization settings, mail
// templates, mail status (the outbox), invitations (mailed or "offline": the link returned to
// copy) and resending an invitation. Registered inside the management API (routes/api/index.ts),
// which checks the bearer token once and renders errors as `{ code, message, details?, requestId }`.

import type { FastifyInstance } from 'fastify';
import type { System } from '../../system.ts';
import type { OutboxMailStatus } from '../../repos/outbox-repo.ts';
import type { InvitationDelivery, InvitationLink } from '../../services/onboarding-service.ts';
import { AppError } from '../../errors.ts';
import { apiCaller, authorized } from './principal.ts';
import { IDEMPOTENCY_KEY_HEADER_SCHEMA, idempotentCreate } from '../idempotency.ts';
import { isMailPurpose } from '../../mail/templates.ts';

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new AppError('request.invalid', 'The body must be a JSON object');
  return body as Record<string, unknown>;
}

function delivery(value: unknown): InvitationDelivery {
  if (value === undefined || value === 'email') return 'email';
  if (value === 'link') return 'link';
  throw new AppError('request.invalid', 'delivery must be "email" (mail the invitation) or "link" (return the link to pass on)', { details: { field: 'delivery' } });
}

function optionalText(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AppError('request.invalid', `${field} must be a string`, { details: { field } });
  return value;
}

function mailJson(mail: OutboxMailStatus) {
  return {
    id: mail.id,
    userId: mail.userId,
    purpose: mail.purpose,
    recipient: mail.recipient,
    subject: mail.subject,
    status: mail.status,
    attempts: mail.attempts,
    nextAttemptAt: mail.status === 'pending' ? mail.nextAttemptAt.toISOString() : null,
    lastError: mail.lastError,
    createdAt: mail.createdAt.toISOString(),
    sentAt: mail.sentAt?.toISOString() ?? null,
  };
}

function invitationJson(userId: string, userName: string, invitation: InvitationLink, showLink = invitation.delivery === 'link') {
  return {
    userId,
    userName,
    delivery: invitation.delivery,
    expiresAt: invitation.expiresAt.toISOString(),
    // The link itself for an offline invitation; a mailed one stays in the mail, except for the
    // administrator who just created it (see POST /invitations).
    ...(showLink && { link: invitation.url }),
    ...(invitation.mailId && { mailId: invitation.mailId }),
  };
}

export async function onboardingApiRoutes(app: FastifyInstance, { system }: { system: System }) {
  const { settings, onboarding, users } = system.services;

  // --- settings --------------------------------------------------------------------------------

  app.get('/settings', async (request) => {
    const { organization } = authorized(request, 'internal_org_settings_view');
    return settings.get(organization.id);
  });

  app.patch('/settings', async (request) => {
    const { organization, ctx } = authorized(request, 'internal_org_settings_update');
    return settings.update(organization.id, request.body, ctx);
  });

  // --- mail templates --------------------------------------------------------------------------

  const purposeOf = (value: string) => {
    if (!isMailPurpose(value)) throw new AppError('request.not_found', `No mail template "${value}"`);
    return value;
  };

  app.get<{ Params: { purpose: string } }>('/email-templates/:purpose', async (request) => {
    const { organization } = authorized(request, 'internal_org_settings_view');
    return settings.getTemplate(organization.id, purposeOf(request.params.purpose));
  });

  app.put<{ Params: { purpose: string } }>('/email-templates/:purpose', async (request) => {
    const { organization, ctx } = authorized(request, 'internal_org_settings_update');
    return settings.putTemplate(organization.id, purposeOf(request.params.purpose), request.body, ctx);
  });

  app.delete<{ Params: { purpose: string } }>('/email-templates/:purpose', async (request) => {
    const { organization, ctx } = authorized(request, 'internal_org_settings_update');
    return settings.resetTemplate(organization.id, purposeOf(request.params.purpose), ctx);
  });

  // --- mail status -----------------------------------------------------------------------------

  app.get<{ Querystring: { userId?: string; status?: string; limit?: string } }>('/mails', async (request) => {
    const { organization } = authorized(request, 'internal_user_mgt_view');
    const { userId, status } = request.query;
    if (status !== undefined && !['pending', 'sent', 'failed'].includes(status)) {
      throw new AppError('request.invalid', 'status must be pending, sent or failed', { details: { field: 'status' } });
    }
    const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new AppError('request.invalid', 'limit must be a whole number from 1 to 200', { details: { field: 'limit' } });
    const mails = await system.repos.outbox.list(organization.id, { userId, status: status as OutboxMailStatus['status'] | undefined, limit });
    return { mails: mails.map(mailJson) };
  });

  app.get<{ Params: { id: string } }>('/mails/:id', async (request) => {
    const { organization } = authorized(request, 'internal_user_mgt_view');
    const mail = await system.repos.outbox.find(organization.id, request.params.id);
    if (!mail) throw new AppError('mail.not_found', `No mail with id "${request.params.id}"`);
    return mailJson(mail);
  });

  // --- invitations -----------------------------------------------------------------------------

  app.post(
    '/invitations',
    {
      ...idempotentCreate(system, apiCaller('internal_user_mgt_create')),
      schema: {
        tags: ['Invitations'],
        summary: 'Invite a customer',
        description: 'Creates a pending customer (with group memberships) and mails an invitation to set a password, or returns the link with delivery "link".',
        headers: IDEMPOTENCY_KEY_HEADER_SCHEMA,
      },
    },
    async (request, reply) => {
    const { organization, principal, ctx } = authorized(request, 'internal_user_mgt_create');
    const body = objectBody(request.body);
    const email = optionalText(body, 'email');
    if (!email) throw new AppError('request.invalid', 'email is required', { details: { field: 'email' } });
    const groups = body.groups;
    if (groups !== undefined && (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))) {
      throw new AppError('request.invalid', 'groups must be an array of group ids', { details: { field: 'groups' } });
    }
    const view = await users.createUser(
      organization,
      {
        userName: email,
        givenName: optionalText(body, 'givenName') ?? null,
        familyName: optionalText(body, 'familyName') ?? null,
        askPassword: true,
        invitationDelivery: delivery(body.delivery),
        groupIds: groups as string[] | undefined,
      },
      ctx,
    );
    // A person creating the invitation in the Console may also pass the mailed link on by hand
    // (the mail can be slow or filtered): they could have asked for an offline link anyway, and
    // issuing a second link would void the mailed one. Machine clients keep the mailed link out of
    // their answers (and logs) unless they ask for delivery "link".
    const showLink = view.invitation!.delivery === 'link' || principal.kind === 'user';
    return reply.code(201).send(invitationJson(view.user.id, view.user.userName, view.invitation!, showLink));
    },
  );

  app.post<{ Params: { id: string } }>('/users/:id/invitation', async (request) => {
    const { organization, ctx } = authorized(request, 'internal_user_mgt_update');
    const body = objectBody(request.body);
    const invitation = await onboarding.resendInvitation(organization, request.params.id, delivery(body.delivery), ctx);
    const user = await system.repos.users.findById(organization.id, request.params.id);
    return invitationJson(request.params.id, user?.userName ?? '', invitation);
  });
}
