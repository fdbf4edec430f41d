// How an application becomes OAuth client metadata. Only the code flow is offered: no
// implicit or hybrid response types, no password grant.

import type { ClientMetadata } from 'oidc-provider';
import type { Application } from '../repos/application-repo.ts';
import { OIDC_SCOPES } from './scopes.ts';

// Sign-in applications may also ask for `internal_login`: the user's own /Me.
const SIGN_IN_SCOPE = [...OIDC_SCOPES, 'internal_login'].join(' ');

/**
 * `clientSecretHash` stands in for the secret: the provider compares presented secrets
 * through `compareClientSecret`, which this project replaces with a hash comparison.
 */
export function clientMetadata(application: Application, clientSecretHash: string | undefined): ClientMetadata {
  const common = { client_id: application.id, client_name: application.name };
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
