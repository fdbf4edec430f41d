// The frame every hosted page shares. Styles come from one static stylesheet so the
// Content-Security-Policy can forbid inline script and style altogether.

import { html, type SafeHtml } from './html.ts';

export const HOSTED_PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

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
