import { html } from '../html.ts';
import { errorBox, page } from '../layout.ts';

export function signInPage(options: { organizationName: string; action: string; csrf: string; email?: string; error?: string; appName?: string }): string {
  return page({
    title: `Sign in to ${options.organizationName}`,
    body: html`${options.appName ? html`<p class="muted">to continue to ${options.appName}</p>` : ''}
${errorBox(options.error)}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="csrf" value="${options.csrf}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${options.email ?? ''}"${options.error ? html` aria-describedby="form-error"` : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  });
}
