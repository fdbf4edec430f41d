// What the server wrote into index.html for this organization and app (src/routes/web-apps.ts).
// Read once: nothing here changes while the page lives.

export type WebAppKind = 'console' | 'myaccount';

export interface WebAppConfig {
  app: WebAppKind;
  /** The organization's URL handle, as in /t/{handle}/. */
  org: string;
  orgName: string;
  /** The built-in application's OAuth client id. */
  clientId: string;
  /** `{PUBLIC_URL}/t/{org}/{app}/`: the app's home, also its post-logout redirect. */
  home: string;
  /** Path prefix the router works under: `/t/{org}/{app}`. */
  basePath: string;
  authorizeUrl: string;
  tokenUrl: string;
  logoutUrl: string;
  scimBase: string;
  apiBase: string;
  scope: string;
  /** The hosted sign-up page, when the organization lets customers register themselves. */
  signUpUrl: string | null;
}

function readConfig(): WebAppConfig {
  const element = document.getElementById('tessera-config');
  if (!element?.textContent) throw new Error('This page was not served by Tessera: its configuration is missing');
  return JSON.parse(element.textContent) as WebAppConfig;
}

export const config: WebAppConfig = readConfig();
