import { html } from '../html.ts';
import { errorBox, page } from '../layout.ts';

export function signInPage(options: {
  organizationName: string;
  action: string;
  csrf: string;
  email?: string;
  error?: string;
  appName?: string;
  notice?: string;
  /** Forgot-password and (when the organization offers it) sign-up pages. */
  links?: { forgotPassword?: string; register?: string };
}): string {
  return page({
    title: `Sign in to ${options.organizationName}`,
    body: html`${options.appName ? html`<p class="muted">to continue to ${options.appName}</p>` : ''}
${errorBox(options.error)}${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="csrf" value="${options.csrf}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${options.email ?? ''}"${options.error ? html` aria-describedby="form-error"` : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
${options.links?.forgotPassword ? html`<p><a href="${options.links.forgotPassword}">Forgot your password?</a></p>` : ''}
${options.links?.register ? html`<p>New here? <a href="${options.links.register}">Create an account</a></p>` : ''}`,
  });
}
