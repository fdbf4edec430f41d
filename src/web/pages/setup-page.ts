import { html } from '../html.ts';
import { errorBox, page } from '../layout.ts';
import { MIN_PASSWORD_LENGTH } from '../../services/password-policy.ts';

export interface SetupFormValues {
  name?: string;
  handle?: string;
  email?: string;
}

export function setupPage(options: { token: string; values?: SetupFormValues; error?: string }): string {
  const v = options.values ?? {};
  return page({
    title: 'Set up Tessera',
    heading: 'Create your organization',
    body: html`<p class="muted">This one-time page creates the first organization and you as its owner.</p>
${errorBox(options.error)}
<form method="post" action="/setup" novalidate>
<input type="hidden" name="token" value="${options.token}">
<label for="name">Organization name</label>
<input id="name" name="name" required maxlength="100" value="${v.name ?? ''}" autofocus>
<label for="handle">Handle</label>
<input id="handle" name="handle" required pattern="[a-z0-9-]{3,40}" value="${v.handle ?? ''}" aria-describedby="handle-hint">
<p class="hint" id="handle-hint">Used in URLs, such as /t/acme. Lower-case letters, digits and hyphens.</p>
<label for="email">Your email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${v.email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}" aria-describedby="password-hint">
<p class="hint" id="password-hint">At least ${MIN_PASSWORD_LENGTH} characters.</p>
<button type="submit">Create organization</button>
</form>`,
  });
}
