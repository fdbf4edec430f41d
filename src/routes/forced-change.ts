// The forced change of a temporary password, inside a sign-in: the sign-in page hands over
// here instead of finishing the sign-in, so no application gets a code before the change.
// After the change the person signs in with the new password on the same sign-in request, so
// every check of a normal sign-in (application access included) still applies.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { System } from '../system.ts';
import type { ProviderEntry } from '../oidc/provider-registry.ts';
import type { User } from '../repos/user-repo.ts';
import { isAppError } from '../errors.ts';
import { signInPagePath } from '../oidc/routes.ts';
import { formToken } from '../web/form-token.ts';
import { sendPage } from '../web/reply.ts';
import { formTargetsOf } from '../web/layout.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { signInPage } from '../web/pages/sign-in-page.ts';
import { changeTemporaryPasswordPage } from '../web/pages/onboarding-pages.ts';
import { onboardingPaths } from '../lib/onboarding-paths.ts';
import { formField } from './form-fields.ts';
import { requestContext } from './request-context.ts';
import { signInLinks } from './onboarding-common.ts';

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
    let interactionUid: string | undefined;
    let redirectUri: unknown;
    try {
      const interaction = await entry.provider.interactionDetails(request.raw, reply.raw);
      interactionUid = interaction.uid;
      redirectUri = interaction.params.redirect_uri;
    } catch {
      interactionUid = undefined;
    }
    if (interactionUid !== request.params.uid) {
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
          action: onboardingPaths.changeTemporaryPassword(organization.handle, interactionUid),
          token,
          minLength: await system.services.passwords.minLength(organization.id),
          error,
        }),
      );
    };
    try {
      if (password !== formField(request.body, 'confirm')) return await rerender(400, 'The two passwords do not match.');
      const user = await system.services.temporaryPasswords.complete(organization, token, password, requestContext(request));
      return sendPage(
        reply,
        200,
        signInPage({
          organizationName: organization.displayName,
          action: signInPagePath(organization.handle, interactionUid),
          csrf: formToken(entry.formKey, interactionUid),
          email: user.userName,
          notice: 'Your password is changed. Sign in with it to continue.',
          links: await signInLinks(system, organization),
        }),
        // The sign-in form on this page ends at the application, like the sign-in page's.
        { formTargets: formTargetsOf(redirectUri) },
      );
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === 'password.policy') return rerender(400, error.message);
      if (error.code === 'link.invalid') {
        return sendPage(reply, 410, messagePage({ title: 'Sign-in expired', message: 'This password change has expired. Go back to the application and sign in again.', tone: 'error' }));
      }
      throw error;
    }
  });
}
