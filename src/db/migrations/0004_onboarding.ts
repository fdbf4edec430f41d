// Onboarding by email: organization settings, the transactional outbox, per-organization mail
// templates, the development mailbox, and the record of self-registrations (so an unverified
// one can be told apart from an account its address's owner made or was invited to).

import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);

  // One row per organization; a missing row (or column value) means the defaults in code.
  await db.schema
    .createTable('organization_settings')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('self_registration_enabled', t.boolean, (c) => c.notNull())
    .addColumn('self_registration_activate_immediately', t.boolean, (c) => c.notNull())
    .addColumn('invitation_ttl_seconds', 'integer', (c) => c.notNull())
    .addColumn('temporary_password_ttl_seconds', 'integer', (c) => c.notNull())
    .addColumn('force_temporary_password_change', t.boolean, (c) => c.notNull())
    .addColumn('password_min_length', 'integer', (c) => c.notNull())
    .addColumn('send_activation_mail', t.boolean, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addCheckConstraint('organization_settings_password_min_length_check', sql`password_min_length between 8 and 64`)
    .execute();

  // Every mail is a row written in the transaction of the change that causes it; the
  // dispatcher claims rows with a lease (locked_until, lease_token) and sends each once.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
    // No foreign key: a mail's status outlives a deleted user, like the audit trail.
    .addColumn('user_id', 'text')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('sender_name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    // The bodies carry the mail's one-time link while the mail waits; they are erased once
    // it is sent or has finally failed, so the database keeps no usable link in clear.
    .addColumn('text_body', 'text')
    .addColumn('html_body', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', t.timestamp, (c) => c.notNull())
    .addColumn('locked_until', t.timestamp)
    .addColumn('lease_token', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('sent_at', t.timestamp)
    .addCheckConstraint('outbox_status_check', sql`status in ('pending', 'sent', 'failed')`)
    .execute();
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_org_user_idx').on('outbox').columns(['org_id', 'user_id', 'created_at']).execute();
  await db.schema.createIndex('outbox_org_created_idx').on('outbox').columns(['org_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('mail_templates')
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('mail_templates_pkey', ['org_id', 'purpose'])
    .execute();

  // Only used when SMTP_URL is unset (development): what would have been sent.
  await db.schema
    .createTable('dev_mailbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('outbox_id', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('received_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dev_mailbox_received_idx').on('dev_mailbox').columns(['received_at', 'id']).execute();

  await db.schema
    .createTable('self_registrations')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('registered_at', t.timestamp, (c) => c.notNull())
    .addColumn('verified_at', t.timestamp)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
