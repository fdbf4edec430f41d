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

export async function renderLogoutConfirmation(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const appName = ctx.oidc.client?.clientName;
  ctx.type = 'html';
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
