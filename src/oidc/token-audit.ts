// The audit trail of what machine clients were given (docs/security.md section 10): every
// access token issued with client credentials, and every one revoked, recorded within the
// request that did it (after the provider answered), with the client, the scope, the request
// id and the client address. The token itself is never recorded.

import type Provider from 'oidc-provider';
import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';

interface TokenContext {
  status: number;
  ip: string;
  body: unknown;
  res: { getHeader(name: string): unknown };
  oidc?: {
    route?: string;
    params?: Record<string, unknown>;
    client?: { clientId: string };
    entities: { ClientCredentials?: { clientId?: string; scope?: string } };
  };
}

export function auditClientCredentialTokens(provider: Provider, deps: { repos: Repos; clock: Clock; orgId: string }): void {
  provider.use(async (koa, next) => {
    await next();
    const ctx = koa as unknown as TokenContext;
    const { oidc } = ctx;
    if (!oidc?.client || ctx.status !== 200) return;
    const common = {
      orgId: deps.orgId,
      occurredAt: deps.clock.now(),
      actorType: 'application' as const,
      actorId: oidc.client.clientId,
      requestId: String(ctx.res.getHeader('x-request-id') ?? '') || null,
      clientIp: ctx.ip || null,
      targetType: 'application',
    };
    if (oidc.route === 'token' && oidc.params?.grant_type === 'client_credentials') {
      const body = ctx.body as { scope?: string; expires_in?: number };
      await deps.repos.audit.record({ ...common, action: 'token.client_credentials_issued', targetId: oidc.client.clientId, after: { scope: body.scope ?? '', expiresIn: body.expires_in } });
    } else if (oidc.route === 'revocation' && oidc.entities.ClientCredentials) {
      const revoked = oidc.entities.ClientCredentials;
      await deps.repos.audit.record({ ...common, action: 'token.client_credentials_revoked', targetId: revoked.clientId ?? null, before: { scope: revoked.scope ?? '' } });
    }
  });
}
