// The "No access" page of a sign-in whose account may not use the application (groups decide):
// shared by the sign-in page and the forced password change, which both end a sign-in.

import type { FastifyReply } from 'fastify';
import type { ProviderEntry } from '../oidc/provider-registry.ts';
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
