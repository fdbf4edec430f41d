// While the database is down the provider's token, userinfo and authorization endpoints fail
// inside oidc-provider, which answers 500 server_error. Relying parties and load balancers
// should retry instead: turn those answers into 503 with Retry-After.

import type Provider from 'oidc-provider';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/availability.ts';

export function answerDatabaseOutagesWith503(provider: Provider): void {
  provider.on('server_error', (ctx: { state: Record<string, unknown> }, error: unknown) => {
    if (isDatabaseUnavailable(error)) ctx.state.databaseUnavailable = true;
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.state.databaseUnavailable && ctx.status === 500) {
      ctx.status = 503;
      ctx.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    }
  });
}
