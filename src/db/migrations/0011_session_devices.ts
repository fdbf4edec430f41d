// Where a sign-in session was last used from: the browser's User-Agent, the client address (as
// Fastify reads it, honouring TRUST_PROXY) and when. Administrators see a customer's sessions
// with device, browser and address (issue 14 item 8). Columns of the session's own row, so they
// go with it when the session ends or expires, and cost nothing for other models.

import type { Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('oidc_payloads').addColumn('user_agent', 'text').execute();
  await db.schema.alterTable('oidc_payloads').addColumn('client_address', 'text').execute();
  await db.schema.alterTable('oidc_payloads').addColumn('last_seen_at', t.timestamp).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
