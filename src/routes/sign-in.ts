// The hosted sign-in page that the organization's provider sends people to. It works without
// JavaScript: a plain form posts back here, and success continues the authorization request.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { System } from '../system.ts';
import type { ProviderEntry } from '../oidc/provider-registry.ts';
import { signInPagePath } from '../oidc/routes.ts';
import { ACCESS_DENIED_REASON } from '../oidc/access-policy.ts';
import { withRequestCache } from '../oidc/request-cache.ts';
import { formToken, isValidFormToken } from '../web/form-token.ts';
import { sendPage } from '../web/reply.ts';
import { formTargetsOf } from '../web/layout.ts';
import { signInPage } from '../web/pages/sign-in-page.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { abortSubject, finishPasswordSignIn, sendNoAccess, type Interaction } from './finish-sign-in.ts';
import { formField } from './form-fields.ts';
import { requestContext } from './request-context.ts';
import { signInLinks } from './onboarding-common.ts';
import { sendForcedChangePage, TEMPORARY_PASSWORD_EXPIRED } from './forced-change.ts';

interface Params {
  org: string;
  uid: string;
}

const INVALID_CREDENTIALS = 'The email or password is incorrect.';
const UNAVAILABLE: Record<string, string> = {
  pending: 'This account has not been activated yet. Use the link in your invitation or confirmation email.',
  locked: 'This account is locked. Contact your administrator.',
  disabled: 'This account is disabled. Contact your administrator.',
};

export async function signInRoutes(app: FastifyInstance, { system }: { system: System }) {
  // The provider's reads within one page request (the interaction, read again when it is
  // finished) are memoized for the request, as they are for the provider's own endpoints.
  app.addHook('onRequest', (_request, _reply, done) => withRequestCache(done));

  /** The organization and the interaction this page belongs to, or a page explaining why not. */
  async function loadInteraction(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) {
    const entry = await system.providers.get(request.params.org);
    if (!entry) {
      sendPage(reply, 404, messagePage({ title: 'Not found', message: 'There is no organization at this address.', tone: 'error' }));
      return undefined;
    }
    let interaction: Interaction | undefined;
    try {
      interaction = await entry.provider.interactionDetails(request.raw, reply.raw);
    } catch {
      interaction = undefined;
    }
    if (!interaction || interaction.uid !== request.params.uid) {
      sendPage(
        reply,
        400,
        messagePage({
          title: 'Sign-in expired',
          message: 'This sign-in request has expired or was already completed. Go back to the application and sign in again.',
          tone: 'error',
        }),
      );
      return undefined;
    }
    return { entry, interaction };
  }

  async function render(reply: FastifyReply, status: number, entry: ProviderEntry, interaction: Interaction, extra: { email?: string; error?: string } = {}) {
    const links = await signInLinks(system, entry.organization, signInPagePath(entry.organization.handle, interaction.uid));
    return sendPage(
      reply,
      status,
      signInPage({
        organizationName: entry.organization.displayName,
        action: signInPagePath(entry.organization.handle, interaction.uid),
        csrf: formToken(entry.formKey, interaction.uid),
        links,
        ...extra,
      }),
      { formTargets: formTargetsOf(interaction.params.redirect_uri) },
    );
  }

  app.get<{ Params: Params }>('/t/:org/login/:uid', async (request, reply) => {
    const loaded = await loadInteraction(request, reply);
    if (!loaded) return reply;
    // Signed in already, but not allowed into this application: say so rather than ask again.
    const { prompt, session, params } = loaded.interaction;
    // prompt=login (from "Sign in as someone else") asks for the form even so.
    if (prompt.reasons.includes(ACCESS_DENIED_REASON) && !prompt.reasons.includes('login_prompt') && session?.accountId) {
      const user = await system.services.users.getUser(loaded.entry.organization.id, session.accountId).then((v) => v.user).catch(() => undefined);
      if (user && user.accountState === 'active') {
        const access = await system.services.applications.checkSignInAccess(user, String(params.client_id ?? ''), requestContext(request, { type: 'user', id: user.id }));
        if (!access.allowed) return sendNoAccess(reply, loaded.entry, loaded.interaction, access.application?.name);
      }
    }
    // login_hint (OpenID Connect Core 3.1.2.1) pre-fills the email; the page escapes it.
    const hint = loaded.interaction.params.login_hint;
    return render(reply, 200, loaded.entry, loaded.interaction, typeof hint === 'string' && hint.length <= 320 ? { email: hint } : {});
  });

  app.post<{ Params: Params }>('/t/:org/login/:uid', async (request, reply) => {
    const loaded = await loadInteraction(request, reply);
    if (!loaded) return reply;
    const { entry, interaction } = loaded;
    if (!isValidFormToken(entry.formKey, interaction.uid, formField(request.body, 'csrf'))) {
      return render(reply, 403, entry, interaction, { error: 'The form expired. Please sign in again.' });
    }
    const email = formField(request.body, 'email');
    const password = formField(request.body, 'password');
    if (!email.trim() || !password) {
      return render(reply, 400, entry, interaction, { email, error: 'Enter your email and password.' });
    }

    const result = await system.services.signIn.authenticate(entry.organization.id, email, password, requestContext(request));
    if (result.outcome === 'invalid_credentials') return render(reply, 401, entry, interaction, { email, error: INVALID_CREDENTIALS });
    if (result.outcome === 'account_unavailable') return render(reply, 403, entry, interaction, { email, error: UNAVAILABLE[result.state] });
    if (result.outcome === 'throttled') {
      const minutes = Math.ceil(result.retryAfterSeconds / 60);
      reply.header('retry-after', String(result.retryAfterSeconds));
      return render(reply, 429, entry, interaction, {
        email,
        error: `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      });
    }
    if (result.outcome === 'temporary_password_expired') return render(reply, 403, entry, interaction, { email, error: TEMPORARY_PASSWORD_EXPIRED });
    // A temporary password leads only to choosing a new one: no code before that.
    if (result.outcome === 'password_change_required') return sendForcedChangePage(reply, system, entry, interaction.uid, result.user);

    // Groups decide who may use which application: say so here, and issue no code.
    return finishPasswordSignIn(system, request, reply, entry, interaction, result.user);
  });

  // "Back to the application" from the No access page: the authorization request ends with
  // access_denied (RFC 6749 4.1.2.1), so the application hears why and can offer its own way on.
  app.post<{ Params: Params }>('/t/:org/login/:uid/abort', async (request, reply) => {
    const loaded = await loadInteraction(request, reply);
    if (!loaded) return reply;
    const { entry, interaction } = loaded;
    if (!isValidFormToken(entry.formKey, abortSubject(interaction.uid), formField(request.body, 'csrf'))) {
      return sendPage(reply, 403, messagePage({ title: 'Form expired', message: 'The form expired. Go back to the application and sign in again.', tone: 'error' }));
    }
    reply.hijack();
    await entry.provider.interactionFinished(
      request.raw,
      reply.raw,
      { error: 'access_denied', error_description: 'The account does not have access to this application' },
      { mergeWithLastSubmission: false },
    );
    return reply;
  });
}
