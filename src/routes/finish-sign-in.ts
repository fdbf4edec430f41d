// How a password sign-in ends, shared by the sign-in page and the forced change of a temporary
// password: the application-access check (groups decide), then either the "No access" page or
// the interaction finished with the account, which gives the application its code.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { System } from '../system.ts';
import type { ProviderEntry } from '../oidc/provider-registry.ts';
import type { User } from '../repos/user-repo.ts';
import { authenticationContext } from '../oidc/authentication-context.ts';
import { requestContext } from './request-context.ts';
import { signInPagePath } from '../oidc/routes.ts';
import { formToken } from '../web/form-token.ts';
import { sendPage } from '../web/reply.ts';
import { formTargetsOf } from '../web/layout.ts';
import { noAccessPage } from '../web/pages/no-access-page.ts';

export type Interaction = Awaited<ReturnType<ProviderEntry['provider']['interactionDetails']>>;

/** The CSRF subject of the "back to the application" form, apart from the sign-in form's. */
export const abortSubject = (uid: string) => `${uid}:abort`;

/**
 * "No access", with two ways on: the same authorization request again with prompt=login (a new
 * sign-in, whose account replaces this one), and a form that ends the request with access_denied.
 */
export function sendNoAccess(reply: FastifyReply, entry: ProviderEntry, interaction: Interaction, applicationName: string | undefined) {
  const again = new URLSearchParams();
  for (const [name, value] of Object.entries(interaction.params)) if (typeof value === 'string' && name !== 'prompt') again.set(name, value);
  again.set('prompt', 'login');
  const handle = entry.organization.handle;
  return sendPage(
    reply,
    403,
    noAccessPage({
      applicationName,
      switchAccountHref: `/t/${handle}/oauth2/authorize?${again.toString()}`,
      backAction: `${signInPagePath(handle, interaction.uid)}/abort`,
      csrf: formToken(entry.formKey, abortSubject(interaction.uid)),
    }),
    // The form ends in a redirect to the application: CSP form-action must allow it.
    { formTargets: formTargetsOf(interaction.params.redirect_uri) },
  );
}

/** The account passed its password step: on to the application, or "No access" (no code). */
export async function finishPasswordSignIn(system: System, request: FastifyRequest, reply: FastifyReply, entry: ProviderEntry, interaction: Interaction, user: User) {
  const access = await system.services.applications.checkSignInAccess(user, String(interaction.params.client_id ?? ''), requestContext(request, { type: 'user', id: user.id }));
  if (!access.allowed) return sendNoAccess(reply, entry, interaction, access.application?.name);
  reply.hijack();
  await entry.provider.interactionFinished(request.raw, reply.raw, { login: { accountId: user.id, ...authenticationContext(['pwd']) } }, { mergeWithLastSubmission: false });
  return reply;
}
