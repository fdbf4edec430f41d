// The transactional outbox: mails are rows written in the transaction of the change that
// causes them. Dispatchers claim due rows with a lease (locked_until + a lease token): one
// conditional UPDATE, with FOR UPDATE SKIP LOCKED on PostgreSQL, so of several instances only
// one holds a row at a time; a lease that runs out (a crashed sender) makes the row due again.
// Only the lease holder can record the outcome. Also the development mailbox's storage.

import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DevMailboxTable, MailPurpose, OutboxStatus, OutboxTable } from '../db/onboarding-schema.ts';
import { isPostgres } from '../db/dialect.ts';
import { toDate, toOptionalDate } from '../db/values.ts';

export interface NewOutboxMail {
  id: string;
  orgId: string | null;
  userId: string | null;
  purpose: MailPurpose;
  recipient: string;
  senderName: string;
  subject: string;
  text: string;
  html: string;
  createdAt: Date;
}

/** A mail's status as the management API shows it (no bodies). */
export interface OutboxMailStatus {
  id: string;
  orgId: string | null;
  userId: string | null;
  purpose: MailPurpose;
  recipient: string;
  subject: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** A claimed mail, with its bodies, for the lease holder to send. */
export interface ClaimedMail extends OutboxMailStatus {
  /** Set when an earlier sender handed the mail over and then went (crashed) before recording the answer. */
  handedOverAt: Date | null;
  senderName: string;
  text: string;
  html: string;
  leaseToken: string;
}

export interface DevMail {
  id: string;
  outboxId: string;
  recipient: string;
  sender: string;
  subject: string;
  text: string;
  html: string;
  receivedAt: Date;
}

function toStatus(row: Selectable<OutboxTable>): OutboxMailStatus {
  return {
    id: row.id,
    orgId: row.org_id,
    userId: row.user_id,
    purpose: row.purpose,
    recipient: row.recipient,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: toDate(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: toDate(row.created_at),
    sentAt: toOptionalDate(row.sent_at),
  };
}

function toDevMail(row: Selectable<DevMailboxTable>): DevMail {
  return {
    id: row.id,
    outboxId: row.outbox_id,
    recipient: row.recipient,
    sender: row.sender,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    receivedAt: toDate(row.received_at),
  };
}

export function createOutboxRepo(db: Kysely<Database>) {
  /** Changes a pending row only for the holder of its lease, and only while that lease runs. */
  async function updateUnderLiveLease(id: string, leaseToken: string, now: Date, changes: Updateable<OutboxTable>): Promise<boolean> {
    const result = await db
      .updateTable('outbox')
      .set(changes)
      .where('id', '=', id)
      .where('lease_token', '=', leaseToken)
      .where('status', '=', 'pending')
      .where('locked_until', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  return {
    async enqueue(mail: NewOutboxMail): Promise<void> {
      await db
        .insertInto('outbox')
        .values({
          id: mail.id,
          org_id: mail.orgId,
          user_id: mail.userId,
          purpose: mail.purpose,
          recipient: mail.recipient,
          sender_name: mail.senderName,
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html,
          status: 'pending',
          attempts: 0,
          next_attempt_at: mail.createdAt,
          locked_until: null,
          lease_token: null,
          last_error: null,
          created_at: mail.createdAt,
          updated_at: mail.createdAt,
          sent_at: null,
          handed_over_at: null,
        })
        .execute();
    },

    /**
     * Leases up to `limit` due mails to `leaseToken` until `lockedUntil` and counts the attempt.
     * Rows another dispatcher holds (an unexpired lease, or a row lock on PostgreSQL) are skipped.
     */
    async claimDue(now: Date, lockedUntil: Date, leaseToken: string, limit: number): Promise<ClaimedMail[]> {
      const claim = { locked_until: lockedUntil, lease_token: leaseToken, updated_at: now };
      let rows: Selectable<OutboxTable>[];
      if (isPostgres(db)) {
        // A CTE, not `id in (subquery)`: PostgreSQL may run an IN subquery more than once, and
        // with SKIP LOCKED each run can pick other rows, claiming more than `limit`. A CTE
        // that locks is evaluated exactly once.
        rows = await db
          .with('due', (qb) =>
            qb
              .selectFrom('outbox')
              .select('id')
              .where('status', '=', 'pending')
              .where('next_attempt_at', '<=', now)
              .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)]))
              .orderBy('next_attempt_at')
              .limit(limit)
              .forUpdate()
              .skipLocked(),
          )
          .updateTable('outbox')
          .set((eb) => ({ ...claim, attempts: eb('outbox.attempts', '+', 1) }))
          .from('due')
          .whereRef('outbox.id', '=', 'due.id')
          .returningAll('outbox')
          .execute();
      } else {
        // SQLite has one writer at a time: this single UPDATE is atomic, and the conditions
        // repeated outside the subquery make a row already leased unclaimable.
        rows = await db
          .updateTable('outbox')
          .set((eb) => ({ ...claim, attempts: eb('attempts', '+', 1) }))
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('outbox as due')
              .select('due.id')
              .where('due.status', '=', 'pending')
              .where('due.next_attempt_at', '<=', now)
              .where((w) => w.or([w('due.locked_until', 'is', null), w('due.locked_until', '<=', now)]))
              .orderBy('due.next_attempt_at')
              .limit(limit),
          )
          .where('status', '=', 'pending')
          .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)]))
          .returningAll()
          .execute();
      }
      return rows.map((row) => ({
        ...toStatus(row),
        handedOverAt: toOptionalDate(row.handed_over_at),
        senderName: row.sender_name,
        text: row.text_body ?? '',
        html: row.html_body ?? '',
        leaseToken,
      }));
    },

    /** Extends a claim this holder still has; false when the lease was lost (another sender has it). */
    renewLease(id: string, leaseToken: string, lockedUntil: Date, now: Date): Promise<boolean> {
      return updateUnderLiveLease(id, leaseToken, now, { locked_until: lockedUntil, updated_at: now });
    },

    /**
     * Records that the mail is being handed to the SMTP server, under a lease still held (and not
     * run out: a sender past its lease must not hand over what another may be sending).
     */
    markHandedOver(id: string, leaseToken: string, now: Date): Promise<boolean> {
      return updateUnderLiveLease(id, leaseToken, now, { handed_over_at: now, updated_at: now });
    },

    /** Records delivery and erases the bodies (they held a one-time link); false if the lease was lost. */
    async markSent(id: string, leaseToken: string, now: Date, note: string | null = null): Promise<boolean> {
      const result = await db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: now, updated_at: now, locked_until: null, lease_token: null, text_body: null, html_body: null, last_error: note })
        .where('id', '=', id)
        .where('lease_token', '=', leaseToken)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async scheduleRetry(id: string, leaseToken: string, error: string, nextAttemptAt: Date, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('outbox')
        // The server refused (or never got) the mail: it was not handed over after all.
        .set({ next_attempt_at: nextAttemptAt, last_error: error, updated_at: now, locked_until: null, lease_token: null, handed_over_at: null })
        .where('id', '=', id)
        .where('lease_token', '=', leaseToken)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async markFailed(id: string, leaseToken: string, error: string, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('outbox')
        .set({ status: 'failed', last_error: error, updated_at: now, locked_until: null, lease_token: null, text_body: null, html_body: null })
        .where('id', '=', id)
        .where('lease_token', '=', leaseToken)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async find(orgId: string, id: string): Promise<OutboxMailStatus | undefined> {
      const row = await db.selectFrom('outbox').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return row && toStatus(row);
    },

    /** Newest first. */
    async list(orgId: string, options: { userId?: string; status?: OutboxStatus; limit: number }): Promise<OutboxMailStatus[]> {
      let query = db.selectFrom('outbox').selectAll().where('org_id', '=', orgId);
      if (options.userId) query = query.where('user_id', '=', options.userId);
      if (options.status) query = query.where('status', '=', options.status);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
      return rows.map(toStatus);
    },

    async countByStatus(status: OutboxStatus): Promise<number> {
      const row = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', status).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** One organization's mails by status (the Console's mail status). */
    async countForOrganization(orgId: string): Promise<Record<OutboxStatus, number>> {
      const rows = await db
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('org_id', '=', orgId)
        .groupBy('status')
        .execute();
      const counts: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },

    async deliverToDevMailbox(mail: DevMail): Promise<void> {
      await db
        .insertInto('dev_mailbox')
        .values({
          id: mail.id,
          outbox_id: mail.outboxId,
          recipient: mail.recipient,
          sender: mail.sender,
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html,
          received_at: mail.receivedAt,
        })
        .execute();
    },

    /** Newest first. */
    async listDevMailbox(limit: number): Promise<DevMail[]> {
      const rows = await db.selectFrom('dev_mailbox').selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toDevMail);
    },

    async findDevMail(id: string): Promise<DevMail | undefined> {
      const row = await db.selectFrom('dev_mailbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toDevMail(row);
    },
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
