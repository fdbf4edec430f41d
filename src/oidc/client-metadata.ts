// How an application becomes OAuth client metadata. Only the code flow is offered: no
// implicit or hybrid response types, no password grant.

import type { ClientMetadata } from 'oidc-provider';
import type { Application } from '../repos/application-repo.ts';
import { API_SCOPES, OIDC_SCOPES } from './scopes.ts';

// Sign-in applications may also ask for `internal_login`: the user's own /Me.
const SIGN_IN_SCOPE = [...OIDC_SCOPES, 'internal_login'].join(' ');
// The Console may ask for every API scope; the grant keeps them only for administrators.
const CONSOLE_SCOPE = [...OIDC_SCOPES, ...API_SCOPES].join(' ');

export interface ClientContext {
  publicUrl: string;
  orgHandle: string;
}

/** Where the built-in web apps live: their redirect URIs follow PUBLIC_URL. */
export function builtInAppUrl(context: ClientContext, builtIn: 'console' | 'myaccount'): string {
  return `${context.publicUrl}/t/${context.orgHandle}/${builtIn}/`;
}

/**
 * `clientSecretHash` stands in for the secret: the provider compares presented secrets
 * through `compareClientSecret`, which this project replaces with a hash comparison.
 */
/** Who may use the client, carried in its metadata so access checks need no extra query. */
export const ACCESS_METADATA = 'tessera_access';

export interface ClientAccess {
  builtIn: Application['builtIn'];
  accessRestricted: boolean;
}

/** The access facts of a provider Client built from `clientMetadata`. */
export function clientAccess(client: unknown): ClientAccess | undefined {
  const value = (client as Record<string, unknown> | undefined)?.[ACCESS_METADATA];
  return value && typeof value === 'object' ? (value as ClientAccess) : undefined;
}

export function clientMetadata(application: Application, clientSecretHash: string | undefined, context: ClientContext): ClientMetadata {
  const access: ClientAccess = { builtIn: application.builtIn, accessRestricted: application.accessRestricted };
  // require_auth_time: every ID token says when the user signed in, not only with max_age.
  const common = { client_id: application.id, client_name: application.name, require_auth_time: true, [ACCESS_METADATA]: access };
  if (application.builtIn) {
    const home = builtInAppUrl(context, application.builtIn);
    return {
      ...common,
      token_endpoint_auth_method: 'none',
      application_type: 'web',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [home, `${home}callback`],
      post_logout_redirect_uris: [home],
      scope: application.builtIn === 'console' ? CONSOLE_SCOPE : SIGN_IN_SCOPE,
    };
  }
  if (application.type === 'm2m') {
    return {
      ...common,
      client_secret: clientSecretHash,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: application.scopes.join(' '),
    };
  }
  return {
    ...common,
    ...(application.type === 'web'
      ? { client_secret: clientSecretHash, token_endpoint_auth_method: 'client_secret_basic' }
      : { token_endpoint_auth_method: 'none' }),
    application_type: 'web',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: application.redirectUris,
    post_logout_redirect_uris: application.postLogoutRedirectUris,
    scope: SIGN_IN_SCOPE,
  };
}
