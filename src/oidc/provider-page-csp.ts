// The Content-Security-Policy of the provider's own pages (the form_post "Submitting Callback"
// page, the sign-out confirmation, error pages). As strict as the hosted pages, with two
// differences:
// - no form-action: the form_post page posts to the application, and the sign-out form's answer
//   redirects to it; Chromium would block both (it checks form-action on redirects);
// - script-src naming the form_post page's one inline script by its hash, which is what lets
//   that page submit itself (a prompt=login account switch ends on it). oidc-provider adds the
//   hash of the script it actually renders to any script-src it finds, so a library update
//   that changes the script keeps working; the hash here makes the directive exist and match.

import crypto from 'node:crypto';
import { BASE_PAGE_CSP } from '../web/layout.ts';
import { AUTO_LOGOUT_SCRIPT } from './provider-pages.ts';

/** The auto-submit script of oidc-provider's lib/response_modes/form_post.js, byte for byte. */
const FORM_POST_SCRIPT = `
    document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit() });
  `;

const hash = (script: string) => `'sha256-${crypto.createHash('sha256').update(script).digest('base64')}'`;

// The sign-out page's auto-submit (provider-pages.ts) is the other script allowed.
export const PROVIDER_PAGE_CSP = `${BASE_PAGE_CSP}; script-src ${hash(FORM_POST_SCRIPT)} ${hash(AUTO_LOGOUT_SCRIPT)}`;
