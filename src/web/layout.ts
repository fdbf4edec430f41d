// The frame every hosted page shares. Styles come from one static stylesheet so the
// Content-Security-Policy can forbid inline script and style altogether.

import { html, type SafeHtml } from './html.ts';

/** What every page this server renders may load: its stylesheet and images, nothing else. */
export const BASE_PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

// form-action: hosted forms post to this server only. A sign-in form's answer redirects on to
// the application, and Chromium checks every hop of that redirect against form-action: the
// sign-in page adds its application's redirect target (hostedPageCsp's formTargets).
export const HOSTED_PAGE_CSP = `${BASE_PAGE_CSP}; form-action 'self'`;

/** HOSTED_PAGE_CSP allowing a form's redirect chain to end at `formTargets` (origins or schemes). */
export function hostedPageCsp(formTargets: readonly string[] = []): string {
  return formTargets.length === 0 ? HOSTED_PAGE_CSP : `${HOSTED_PAGE_CSP} ${formTargets.join(' ')}`;
}

/** The form-action sources a redirect URI needs: its origin, or its scheme for an app's own scheme; none when it is no URL. */
export function formTargetsOf(redirectUri: unknown): string[] {
  if (typeof redirectUri !== 'string') return [];
  const url = URL.parse(redirectUri);
  if (!url) return [];
  return [url.origin !== 'null' ? url.origin : url.protocol];
}

export const STYLESHEET_PATH = '/assets/hosted.css';

export function page(options: { title: string; heading?: string; body: SafeHtml }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · Tessera</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main class="card">
<h1>${options.heading ?? options.title}</h1>
${options.body}
</main>
</body>
</html>
`.value;
}

export function errorBox(message: string | undefined): SafeHtml {
  return message ? html`<p class="error" role="alert" id="form-error">${message}</p>` : html``;
}
