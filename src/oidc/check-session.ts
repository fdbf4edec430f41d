// /t/{org}/oidc/checksession: the OP iframe of OpenID Connect Session Management 1.0, in the one
// form this provider can honour. It answers every "client_id session_state" message with "error".
//
// Why not the full protocol: oidc-provider v9 no longer implements Session Management (it was
// removed with the other browser-state drafts), so it issues no session_state in authorization
// responses. Computing one ourselves would need a browser-state value the iframe's script can
// read: a cookie without HttpOnly, read inside a third-party iframe, which Chromium, Safari and
// Firefox partition or block. The iframe would then see no state and report "changed" on every
// poll, sending the application into a prompt=none loop. So discovery does not advertise
// check_session_iframe and authorization responses carry no session_state. @asgardeo/auth-spa
// (which, given a baseUrl, frames this path without reading discovery) posts to the OP iframe
// only when it holds a session_state, so it never asks and never hears the "error" (on which it
// would sign the application out); with its Session Management switched on it still renews the
// session by prompt=none at its refresh interval, which notices a sign-out elsewhere
// (test/ui/asgardeo-spa.test.ts, docs/architecture.md). Logout otherwise reaches applications
// through RP-initiated logout and the ID token's `sid`.

import crypto from 'node:crypto';

export const CHECK_SESSION_SCRIPT =
  "window.addEventListener('message', function (event) { if (event.source && typeof event.data === 'string') event.source.postMessage('error', event.origin); });";

const scriptHash = crypto.createHash('sha256').update(CHECK_SESSION_SCRIPT).digest('base64');

export const CHECK_SESSION_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Session check</title></head>
<body><script>${CHECK_SESSION_SCRIPT}</script></body></html>
`;

/** The page may be framed only by the organization's browser origins (and its own origin). */
export function checkSessionCsp(frameAncestors: string[]): string {
  return `default-src 'none'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'${frameAncestors.map((o) => ` ${o}`).join('')}`;
}
