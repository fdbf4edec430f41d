// The forced change of a temporary password, inside a sign-in: the sign-in page hands over
// here instead of finishing the sign-in, so no application gets a code before the change.
// The change finishes the sign-in it belongs to: the person proved the temporary password and
// chose their own, so the request goes on to the application as a password sign-in would, after
// the same application-access check (issue 14 item 7: no second sign-in).

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { System } from '../system.ts';
import type { ProviderEntry } from '../oidc/provider-registry.ts';
import type { User } from '../repos/user-repo.ts';
import { isAppError } from '../errors.ts';
import { sendPage } from '../web/reply.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { changeTemporaryPasswordPage } from '../web/pages/onboarding-pages.ts';
import { onboardingPaths } from '../lib/onboarding-paths.ts';
import { formField } from './form-fields.ts';
import { requestContext } from './request-context.ts';
import { finishPasswordSignIn, type Interaction } from './finish-sign-in.ts';

export const TEMPORARY_PASSWORD_EXPIRED = 'Your temporary password has expired. Ask your administrator for a new one.';

/** Called by the sign-in page when the password given was a valid temporary one. */
export async function sendForcedChangePage(reply: FastifyReply, system: System, entry: ProviderEntry, uid: string, user: User) {
  const { organization } = entry;
  const token = await system.services.temporaryPasswords.beginChange(organization.id, user.id);
  return sendPage(
    reply,
    200,
    changeTemporaryPasswordPage({
      organizationName: organization.displayName,
      email: user.userName,
      action: onboardingPaths.changeTemporaryPassword(organization.handle, uid),
      token,
      minLength: await system.services.passwords.minLength(organization.id),
    }),
  );
}

export async function forcedChangeRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.post<{ Params: { org: string; uid: string } }>('/t/:org/login/:uid/password', async (request, reply) => {
    const entry = await system.providers.get(request.params.org);
    if (!entry) return sendPage(reply, 404, messagePage({ title: 'Not found', message: 'There is no organization at this address.', tone: 'error' }));
    const { organization } = entry;
    let interaction: Interaction | undefined;
    try {
      interaction = await entry.provider.interactionDetails(request.raw, reply.raw);
    } catch {
      interaction = undefined;
    }
    const interactionUid = interaction?.uid;
    if (!interaction || interactionUid !== request.params.uid) {
      return sendPage(
        reply,
        400,
        messagePage({ title: 'Sign-in expired', message: 'This sign-in request has expired. Go back to the application and sign in again.', tone: 'error' }),
      );
    }
    const token = formField(request.body, 'token');
    const password = formField(request.body, 'password');
    const rerender = async (status: number, error: string) => {
      const user = await system.services.temporaryPasswords.linkedUser(organization, token);
      return sendPage(
        reply,
        status,
        changeTemporaryPasswordPage({
          organizationName: organization.displayName,
          email: user.userName,
          action: onboardingPaths.changeTemporaryPassword(organization.handle, interaction.uid),
          token,
          minLength: await system.services.passwords.minLength(organization.id),
          error,
        }),
      );
    };
    try {
      if (password !== formField(request.body, 'confirm')) return await rerender(400, 'The two passwords do not match.');
      const user = await system.services.temporaryPasswords.complete(organization, token, password, requestContext(request));
      return await finishPasswordSignIn(system, request, reply, entry, interaction, user);
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === 'password.policy') return rerender(400, error.message);
      if (error.code === 'user.not_active') return sendPage(reply, 403, messagePage({ title: 'Sign-in refused', message: error.message, tone: 'error' }));
      if (error.code === 'link.invalid') {
        return sendPage(reply, 410, messagePage({ title: 'Sign-in expired', message: 'This password change has expired. Go back to the application and sign in again.', tone: 'error' }));
      }
      throw error;
    }
  });
}
