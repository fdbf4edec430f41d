// Hosted onboarding pages: sign-up, verification, forgot and reset password, the forced change
// of a temporary password, and the "ask for a new link" form of a link that no longer works.
// Every value is escaped by `html`; forms carry either their link's token (a secret of their
// own) or a CSRF token.

import { html, type SafeHtml } from '../html.ts';
import { errorBox, page } from '../layout.ts';

function noticeBox(message: string | undefined): SafeHtml {
  return message ? html`<p class="notice" role="status">${message}</p>` : html``;
}

function newPasswordFields(minLength: number, autofocus = true): SafeHtml {
  return html`<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${minLength}" aria-describedby="password-hint"${autofocus ? html` autofocus` : ''}>
<p class="hint" id="password-hint">At least ${minLength} characters. A long phrase is easier to remember and harder to guess.</p>
<label for="confirm">Confirm password</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>`;
}

export interface SignUpValues {
  email?: string;
  givenName?: string;
  familyName?: string;
}

export function signUpPage(options: { organizationName: string; action: string; csrf: string; minLength: number; values?: SignUpValues; error?: string }): string {
  const v = options.values ?? {};
  return page({
    title: `Create your ${options.organizationName} account`,
    heading: 'Create your account',
    body: html`<p class="muted">for ${options.organizationName}</p>
${errorBox(options.error)}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="csrf" value="${options.csrf}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required autofocus value="${v.email ?? ''}">
<label for="givenName">Given name</label>
<input id="givenName" name="givenName" type="text" autocomplete="given-name" value="${v.givenName ?? ''}">
<label for="familyName">Family name</label>
<input id="familyName" name="familyName" type="text" autocomplete="family-name" value="${v.familyName ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${options.minLength}" aria-describedby="password-hint">
<p class="hint" id="password-hint">At least ${options.minLength} characters. A long phrase is easier to remember and harder to guess.</p>
<button type="submit">Create account</button>
</form>`,
  });
}

export function verifyEmailPage(options: { organizationName: string; email: string; action: string; token: string; minLength: number; error?: string }): string {
  return page({
    title: `Confirm your email for ${options.organizationName}`,
    heading: 'Confirm your email address',
    body: html`<p class="muted">For ${options.email} at ${options.organizationName}.</p>
${errorBox(options.error)}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="token" value="${options.token}">
<input type="hidden" name="mode" value="registered">
<label for="current">The password you registered with</label>
<input id="current" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Confirm my address</button>
</form>
<p class="muted">Did not register yourself, or forgot the password? Choose a new one: the account becomes yours and any other password stops working.</p>
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="token" value="${options.token}">
<input type="hidden" name="mode" value="new">
${newPasswordFields(options.minLength, false)}
<button type="submit">Confirm with a new password</button>
</form>`,
  });
}

export function forgotPasswordPage(options: { organizationName: string; action: string; csrf: string; email?: string; error?: string }): string {
  return page({
    title: `Forgot your ${options.organizationName} password`,
    heading: 'Forgot your password?',
    body: html`<p class="muted">Enter your email address and we will mail you a link to choose a new password.</p>
${errorBox(options.error)}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="csrf" value="${options.csrf}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${options.email ?? ''}">
<button type="submit">Send reset link</button>
</form>`,
  });
}

export function resetPasswordPage(options: { organizationName: string; email: string; action: string; token: string; minLength: number; error?: string }): string {
  return page({
    title: `Choose a new password for ${options.organizationName}`,
    heading: 'Choose a new password',
    body: html`<p class="muted">For ${options.email} at ${options.organizationName}. Every other session of this account ends.</p>
${errorBox(options.error)}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="token" value="${options.token}">
${newPasswordFields(options.minLength)}
<button type="submit">Set new password</button>
</form>`,
  });
}

export function changeTemporaryPasswordPage(options: { organizationName: string; email: string; action: string; token: string; minLength: number; error?: string }): string {
  return page({
    title: `Choose your password for ${options.organizationName}`,
    heading: 'Choose your own password',
    body: html`<p class="muted">${options.email} signed in with a temporary password. Choose your own to continue; it must differ from the temporary one.</p>
${errorBox(options.error)}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="token" value="${options.token}">
${newPasswordFields(options.minLength)}
<button type="submit">Change password</button>
</form>`,
  });
}

/** An expired or used link: says so, and offers to mail a new one without saying to whom. */
export function linkProblemPage(options: { message: string; action: string; csrf: string; notice?: string; error?: string }): string {
  return page({
    title: 'Link not usable',
    body: html`<p class="error" role="alert">${options.message}.</p>
${noticeBox(options.notice)}${options.error ? errorBox(options.error) : ''}
<p>Enter your email address to get a new link.</p>
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="csrf" value="${options.csrf}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required>
<button type="submit">Send me a new link</button>
</form>`,
  });
}

/** The answer to every "mail me" form, whatever the address. */
export const CHECK_YOUR_MAIL = 'If an account can use it, a mail with a link is on its way to that address. Check your inbox.';
