// The page for a signed-in person whose account may not use the application that sent them:
// it names the application and offers two ways on, signing in with another account or going
// back to the application (which is told "access_denied", as OAuth says it should be).

import { html } from '../html.ts';
import { page } from '../layout.ts';

export function noAccessPage(options: { applicationName: string | undefined; switchAccountHref: string; backAction: string; csrf: string }): string {
  const name = options.applicationName ?? 'this application';
  return page({
    title: 'No access',
    body: html`<p class="error" role="alert">Your account does not have access to ${name}. If you think it should, contact your organization's administrator.</p>
<p><a href="${options.switchAccountHref}">Sign in as someone else</a></p>
<form method="post" action="${options.backAction}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit">Back to ${name}</button>
</form>`,
  });
}
