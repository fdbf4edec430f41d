// Bearer-token authentication for the SCIM API: the token must have been issued by this
// organization's own provider (another organization's token is simply not found), be
// unexpired, and carry the scope the endpoint needs.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { System } from '../../system.ts';
import { ScimError } from '../../scim/errors.ts';
import type { Principal } from './context.ts';

export class AuthenticationError extends ScimError {
  readonly challenge: string;
  constructor(realm: string, detail: string, error?: 'invalid_token') {
    super(401, detail);
    this.challenge = `Bearer realm="${realm}"${error ? `, error="${error}", error_description="${detail.replace(/"/g, "'")}"` : ''}`;
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  return match ? match[1] : '';
}

export async function authenticate(system: System, request: FastifyRequest, orgHandle: string): Promise<Principal> {
  const entry = await system.providers.get(orgHandle);
  if (!entry) throw new ScimError(404, `No organization "${orgHandle}"`);
  const realm = entry.organization.handle;
  const token = bearerToken(request);
  if (token === undefined) throw new AuthenticationError(realm, 'A bearer access token is required');
  if (token === '') throw new AuthenticationError(realm, 'The Authorization header must be "Bearer <token>"', 'invalid_token');

  const { provider } = entry;
  // One round trip for both kinds: a user's access token or an application's.
  const [userToken, appToken] = await Promise.all([provider.AccessToken.find(token), provider.ClientCredentials.find(token)]);
  if (userToken && !userToken.isExpired && userToken.accountId) {
    // The token outlives nothing: a disabled, locked or deleted user's tokens stop here.
    const user = await system.repos.users.findById(entry.organization.id, userToken.accountId);
    if (!user || user.accountState !== 'active') throw new AuthenticationError(realm, 'The access token is no longer valid', 'invalid_token');
    return {
      kind: 'user',
      id: user.id,
      clientId: userToken.clientId!,
      scopes: new Set((userToken.scope ?? '').split(' ').filter(Boolean)),
      sessionUid: userToken.sessionUid,
    };
  }
  if (appToken && !appToken.isExpired) {
    return { kind: 'application', id: appToken.clientId!, clientId: appToken.clientId!, scopes: new Set((appToken.scope ?? '').split(' ').filter(Boolean)) };
  }
  throw new AuthenticationError(realm, 'The access token is invalid or has expired', 'invalid_token');
}

export function requireScope(principal: Principal, scope: string): void {
  if (!principal.scopes.has(scope)) throw new ScimError(403, `The access token lacks the scope ${scope}`);
}

export function sendAuthenticationError(reply: FastifyReply, error: AuthenticationError) {
  return reply.header('www-authenticate', error.challenge);
}
