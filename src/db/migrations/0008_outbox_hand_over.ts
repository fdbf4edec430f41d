// When a mail was handed to the SMTP server: recorded under the sender's lease just before the
// end-of-data mark, so that a sender that crashes while the server accepts the mail does not
// leave a row that the next dispatcher sends again (src/mail/smtp-transport.ts, dispatcher.ts).

import type { Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('outbox').addColumn('handed_over_at', t.timestamp).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
