// The provider's own pages (errors, sign-out confirmation), rendered in the hosted-page style
// with no inline script, so the strict Content-Security-Policy holds on them too.

import type { KoaContextWithOIDC, ErrorOut } from 'oidc-provider';
import { html, SafeHtml } from '../web/html.ts';
import { page } from '../web/layout.ts';

export async function renderProviderError(ctx: KoaContextWithOIDC, out: ErrorOut): Promise<void> {
  ctx.type = 'html';
  ctx.body = page({
    title: 'Sign-in problem',
    heading: 'Something went wrong',
    body: html`<p class="error" role="alert">${out.error_description ?? out.error}</p>
<p class="muted">Go back to the application and try again. If it keeps happening, contact the organization's administrator.</p>`,
  });
}

/** The one script of the sign-out page that needs no click; its hash is in PROVIDER_PAGE_CSP. */
export const AUTO_LOGOUT_SCRIPT = "document.getElementById('op.logoutForm').submit()";

/**
 * Whether the sign-out request proves it comes from the application the user is signed in to:
 * an id_token_hint the provider validated (this organization's signature, audience the client),
 * for the person and session signed in here, and a registered post_logout_redirect_uri. Anything
 * less keeps the confirmation click, which is what stops a cross-site sign-out (CSRF).
 */
export function isTrustedLogout(ctx: KoaContextWithOIDC): boolean {
  const { client, params, session, entities } = ctx.oidc;
  const hint = (entities as { IdTokenHint?: { payload?: Record<string, unknown> } }).IdTokenHint?.payload;
  if (!client || !hint || !params?.post_logout_redirect_uri || !session?.accountId) return false;
  if (hint.aud !== client.clientId || hint.sub !== session.accountId) return false;
  return hint.sid === undefined || hint.sid === session.sidFor(client.clientId);
}

export async function renderLogoutConfirmation(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const appName = ctx.oidc.client?.clientName;
  ctx.type = 'html';
  if (isTrustedLogout(ctx)) {
    // The form submits itself with logout=yes; without script the button below does it.
    ctx.body = page({
      title: 'Signing out',
      body: html`${new SafeHtml(form)}
<input type="hidden" form="op.logoutForm" name="logout" value="yes">
<p>Signing you out…</p>
<noscript><button type="submit" form="op.logoutForm">Continue</button></noscript>
<script>${new SafeHtml(AUTO_LOGOUT_SCRIPT)}</script>`,
    });
    return;
  }
  // `form` is the provider's own markup (a form with its CSRF token); it is trusted as is.
  ctx.body = page({
    title: 'Sign out',
    body: html`${new SafeHtml(form)}
<p>${appName ? `Do you want to sign out of ${appName} and this organization?` : 'Do you want to sign out?'}</p>
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
  });
}

export async function renderLogoutSuccess(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.body = page({ title: 'Signed out', body: html`<p class="notice">You have been signed out.</p>` });
}
