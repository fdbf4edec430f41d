// Where the provider's endpoints live under /t/{org}. The provider is mounted at /t/{org}
// (that prefix is stripped before it sees a request), so these are relative to it.

export const PROVIDER_ROUTES = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  userinfo: '/oauth2/userinfo',
  jwks: '/oauth2/jwks',
  introspection: '/oauth2/introspect',
  revocation: '/oauth2/revoke',
  end_session: '/oidc/logout',
  pushed_authorization_request: '/oauth2/par',
};

export function organizationPath(handle: string): string {
  return `/t/${handle}`;
}

export function issuerFor(publicUrl: string, handle: string): string {
  return `${publicUrl}${organizationPath(handle)}${PROVIDER_ROUTES.token}`;
}

export function signInPagePath(handle: string, uid: string): string {
  return `${organizationPath(handle)}/login/${uid}`;
}
