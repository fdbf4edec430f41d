// The page a one-time set-password link opens. The token travels in the query string once,
// then in the form; request logs never show query values, and the page sends no referrer.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { System } from '../system.ts';
import type { Organization } from '../repos/organization-repo.ts';
import { isAppError } from '../errors.ts';
import { homeLinkFor } from '../web/home-link.ts';
import { sendPage } from '../web/reply.ts';
import { setPasswordPage } from '../web/pages/set-password-page.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { formField } from './form-fields.ts';
import { requestContext } from './request-context.ts';
import { sendLinkProblem } from './onboarding-common.ts';

interface Params {
  org: string;
}

export function setPasswordPath(handle: string): string {
  return `/t/${handle}/password/set`;
}

/** An expired or used link's page offers to mail a new one, without saying whether it did. */
async function linkProblemPage(system: System, reply: FastifyReply, handle: string, message: string) {
  const entry = await system.providers.get(handle);
  if (!entry) return sendPage(reply, 410, messagePage({ title: 'Link not usable', message: `${message}.`, tone: 'error' }));
  return sendLinkProblem(reply, entry, message);
}

export async function setPasswordRoutes(app: FastifyInstance, { system }: { system: System }) {
  async function organizationOr404(handle: string, reply: FastifyReply): Promise<Organization | undefined> {
    const organization = await system.repos.organizations.findByHandle(handle);
    if (!organization) sendPage(reply, 404, messagePage({ title: 'Not found', message: 'There is no organization at this address.', tone: 'error' }));
    return organization;
  }

  app.get<{ Params: Params; Querystring: { token?: string } }>('/t/:org/password/set', async (request, reply) => {
    const organization = await organizationOr404(request.params.org, reply);
    if (!organization) return reply;
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    try {
      const user = await system.services.passwords.linkedUser(organization, token);
      return sendPage(
        reply,
        200,
        setPasswordPage({ organizationName: organization.displayName, email: user.userName, action: setPasswordPath(organization.handle), token, minLength: await system.services.passwords.minLength(organization.id) }),
      );
    } catch (error) {
      if (isAppError(error) && error.code === 'link.invalid') return linkProblemPage(system, reply, organization.handle, error.message);
      throw error;
    }
  });

  app.post<{ Params: Params }>('/t/:org/password/set', async (request, reply) => {
    const organization = await organizationOr404(request.params.org, reply);
    if (!organization) return reply;
    const token = formField(request.body, 'token');
    const password = formField(request.body, 'password');
    const confirm = formField(request.body, 'confirm');
    const rerender = async (error: string) => {
      const user = await system.services.passwords.linkedUser(organization, token);
      return sendPage(
        reply,
        400,
        setPasswordPage({ organizationName: organization.displayName, email: user.userName, action: setPasswordPath(organization.handle), token, error, minLength: await system.services.passwords.minLength(organization.id) }),
      );
    };
    try {
      if (password !== confirm) return await rerender('The two passwords do not match.');
      const user = await system.services.passwords.setPasswordWithLink(organization, token, password, requestContext(request));
      return sendPage(
        reply,
        200,
        messagePage({ title: 'Password set', message: 'Your password is set. You can now sign in.', tone: 'notice', ...homeLinkFor(organization.handle, user) }),
      );
    } catch (error) {
      if (isAppError(error) && error.code === 'link.invalid') return linkProblemPage(system, reply, organization.handle, error.message);
      if (isAppError(error) && error.code === 'password.policy') return rerender(error.message);
      throw error;
    }
  });
}
