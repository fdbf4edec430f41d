import { html } from '../html.ts';
import { errorBox, page } from '../layout.ts';
import { MIN_PASSWORD_LENGTH } from '../../services/password-policy.ts';

export function setPasswordPage(options: { organizationName: string; email: string; action: string; token: string; error?: string; minLength?: number }): string {
  const minLength = options.minLength ?? MIN_PASSWORD_LENGTH;
  return page({
    title: `Set your password for ${options.organizationName}`,
    heading: 'Set your password',
    body: html`<p class="muted">For ${options.email} at ${options.organizationName}.</p>
${errorBox(options.error)}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="token" value="${options.token}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${minLength}" aria-describedby="password-hint" autofocus>
<p class="hint" id="password-hint">At least ${minLength} characters. A long phrase is easier to remember and harder to guess.</p>
<label for="confirm">Confirm password</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit">Set password</button>
</form>`,
  });
}
