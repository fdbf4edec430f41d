// Words for the kinds of application and the API scopes a machine-to-machine application may
// be granted (the scopes in scope-descriptions.ts).

import type { Application, ApplicationType } from '../../../api/applications.ts';

export const TYPE_LABELS: Record<ApplicationType, string> = {
  spa: 'Single-page application',
  web: 'Traditional web application',
  m2m: 'Machine-to-machine',
};

export const TYPE_EXPLANATIONS: Record<ApplicationType, string> = {
  spa: 'Runs in the browser (React, Angular, Vue…). It cannot keep a secret, so it signs people in with the authorization code flow and PKCE and gets no client secret.',
  web: 'Runs on a server that can keep a secret. It signs people in with the authorization code flow and authenticates with a client secret.',
  m2m: 'A script, service or daemon acting for itself, without a person. It gets tokens with its client secret (client credentials) for the API scopes you grant.',
};

export { API_SCOPE_LIST, SCOPE_DESCRIPTIONS, type ApiScope } from './scope-descriptions.ts';

/** Who may sign in to an application, in words. */
export function accessSummary(app: Application): string {
  if (app.builtIn === 'console') return 'Owners and administrators';
  if (app.builtIn === 'myaccount') return 'Everyone in the organization';
  if (app.type === 'm2m') return 'No sign-in (scopes only)';
  if (!app.accessRestricted) return 'Everyone in the organization';
  if (app.allowedGroupIds.length === 0) return 'Nobody (no group chosen)';
  return app.allowedGroupIds.length === 1 ? 'Members of 1 group' : `Members of ${app.allowedGroupIds.length} groups`;
}

/** The same check the server makes (application-service.ts): absolute http(s), no fragment or credentials. */
export function uriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `“${uri}” is not an absolute URI (it needs https:// or http://)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `“${uri}” must use http or https`;
  if (uri.includes('#')) return `“${uri}” must not contain a fragment (#…)`;
  if (url.username || url.password) return `“${uri}” must not contain a user name or password`;
  return undefined;
}

/** The server's rule for an allowed origin: https (or http on localhost/127.0.0.1), exactly scheme://host[:port]. */
export function originProblem(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `“${origin}” is not an origin like https://app.example.com`;
  }
  if (origin.includes('*')) return `“${origin}” must not contain wildcards`;
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return `“${origin}” must use https (http only for localhost or 127.0.0.1)`;
  if (url.origin !== origin) return `“${origin}” must be only scheme://host[:port], with no path or trailing slash (“${url.origin}”?)`;
  return undefined;
}

/** The lines of a one-URI-per-line text area, trimmed, without blanks. */
export function uriLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}
