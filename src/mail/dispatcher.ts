// Sends the outbox. Each round claims a batch of due mails with a lease, sends them, and
// records each outcome under the lease: sent, retried later with exponential backoff, or
// failed for good with the reason. Any number of dispatchers (instances) may run on one
// database: a claimed row is invisible to the others until its lease runs out, which is also
// how a mail whose sender crashed after claiming it gets sent after all, unless that sender had
// already handed it to the SMTP server (then it is recorded as sent, not sent twice).

import crypto from 'node:crypto';
import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';
import type { ClaimedMail } from '../repos/outbox-repo.ts';
import type { MailLog, MailTransport } from './transport.ts';
import { pollingLoop } from '../lib/polling-loop.ts';

export interface DispatcherOptions {
  /** How long a claim holds a mail, counted from the start of its send; longer than one SMTP send can take (transport.ts bounds it). */
  leaseMs?: number;
  batchSize?: number;
  /** Pause between rounds when there was nothing to send. */
  idleMs?: number;
  /** First retry delay; each further one doubles, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Attempts before a mail is marked failed. */
  maxAttempts?: number;
  /** Mails sent at once within a round. */
  concurrency?: number;
}

export const DISPATCHER_DEFAULTS: Required<DispatcherOptions> = {
  leaseMs: 60_000,
  batchSize: 20,
  idleMs: 1_000,
  backoffMs: 30_000,
  maxBackoffMs: 60 * 60 * 1000,
  maxAttempts: 8,
  concurrency: 4,
};

export interface MailDispatcher {
  readonly transport: MailTransport;
  /** Claims and sends one batch; the number of mails whose outcome was recorded. */
  runOnce(): Promise<number>;
  /** Sends until nothing is due (tests, benchmarks). */
  drain(): Promise<number>;
  start(log?: MailLog): void;
  stop(): Promise<void>;
}

/** The delay before attempt `attempts + 1`, after `attempts` failed ones. */
export function backoffDelay(attempts: number, options: Pick<Required<DispatcherOptions>, 'backoffMs' | 'maxBackoffMs'>): number {
  return Math.min(options.maxBackoffMs, options.backoffMs * 2 ** Math.max(0, attempts - 1));
}

export function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function hasSmtpReply(error: unknown): boolean {
  return typeof (error as { responseCode?: unknown }).responseCode === 'number';
}

/** The hand-over could not be recorded: this sender's lease is gone, another may be sending. */
class LeaseLostError extends Error {}

function reasonOf(error: unknown): string {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const parts = [e.code, e.responseCode && String(e.responseCode), e.message ?? String(error)].filter(Boolean);
  return parts.join(' ').slice(0, 500);
}

export function createMailDispatcher(deps: { repos: Repos; clock: Clock; transport: MailTransport; options?: DispatcherOptions; log?: MailLog }): MailDispatcher {
  const { repos, clock, transport } = deps;
  const options = { ...DISPATCHER_DEFAULTS, ...deps.options };
  let log = deps.log;

  async function recordSent(mail: ClaimedMail, unconfirmed?: string): Promise<void> {
    const now = clock.now();
    await repos.transaction(async (tx) => {
      if (await tx.outbox.markSent(mail.id, mail.leaseToken, now, unconfirmed ?? null)) {
        await tx.audit.record({
          orgId: mail.orgId,
          occurredAt: now,
          actorType: 'system',
          action: 'mail.sent',
          targetType: 'mail',
          targetId: mail.id,
          after: { purpose: mail.purpose, userId: mail.userId, attempts: mail.attempts, ...(unconfirmed ? { unconfirmed: true } : {}) },
        });
      }
    });
    if (unconfirmed) log?.warn({ mailId: mail.id, purpose: mail.purpose, reason: unconfirmed }, 'mail recorded as sent without the server\'s confirmation');
  }

  async function deliver(mail: ClaimedMail): Promise<void> {
    // A batch is sent a few at a time: the last of it starts long after the claim. Each send
    // gets a full lease from its own start, and one whose lease ran out meanwhile (another
    // dispatcher may be sending it) is left alone: a mail is never sent twice by this path.
    const startedAt = clock.now();
    if (!(await repos.outbox.renewLease(mail.id, mail.leaseToken, new Date(startedAt.getTime() + options.leaseMs), startedAt))) return;
    // An earlier sender handed this mail over and went (killed, crashed) before hearing the
    // answer: the server most likely has it. Sending again would be the duplicate the receiver
    // sees; not sending loses a mail only if the server failed in the same instant. At most once.
    if (mail.handedOverAt) {
      await recordSent(mail, `handed over at ${mail.handedOverAt.toISOString()}; the sender stopped before the server confirmed`);
      return;
    }
    let handedOver = false;
    try {
      await transport.send({ id: mail.id, senderName: mail.senderName, to: mail.recipient, subject: mail.subject, text: mail.text, html: mail.html }, async () => {
        if (!(await repos.outbox.markHandedOver(mail.id, mail.leaseToken, clock.now()))) throw new LeaseLostError();
        handedOver = true;
      });
    } catch (error) {
      if (error instanceof LeaseLostError) {
        log?.info({ mailId: mail.id }, 'mail left to another sender: its lease ran out before it was handed over');
        return;
      }
      // After the hand-over, an error without an SMTP reply (the connection dropped or timed
      // out while the server decided) leaves the server holding the mail, or not: the same
      // choice as after a crash.
      if (handedOver && !hasSmtpReply(error)) {
        await recordSent(mail, `handed over; then ${reasonOf(error)}`);
        return;
      }
      const reason = reasonOf(error);
      const now = clock.now();
      // A 5xx reply is the server's final word (no such mailbox, refused): retrying for an hour
      // changes nothing. 4xx and connection errors are retried.
      const final = mail.attempts >= options.maxAttempts || isPermanentSmtpError(error);
      await repos.transaction(async (tx) => {
        const recorded = final
          ? await tx.outbox.markFailed(mail.id, mail.leaseToken, reason, now)
          : await tx.outbox.scheduleRetry(mail.id, mail.leaseToken, reason, new Date(now.getTime() + backoffDelay(mail.attempts, options)), now);
        if (recorded && final) {
          await tx.audit.record({
            orgId: mail.orgId,
            occurredAt: now,
            actorType: 'system',
            action: 'mail.failed',
            targetType: 'mail',
            targetId: mail.id,
            after: { purpose: mail.purpose, userId: mail.userId, attempts: mail.attempts, reason },
          });
        }
      });
      log?.warn({ mailId: mail.id, purpose: mail.purpose, attempts: mail.attempts, final, reason }, final ? 'mail failed' : 'mail deferred');
      return;
    }
    await recordSent(mail);
  }

  async function runOnce(): Promise<number> {
    const now = clock.now();
    const claimed = await repos.outbox.claimDue(now, new Date(now.getTime() + options.leaseMs), crypto.randomUUID(), options.batchSize);
    for (let i = 0; i < claimed.length; i += options.concurrency) {
      await Promise.all(claimed.slice(i, i + options.concurrency).map(deliver));
    }
    return claimed.length;
  }

  const loop = pollingLoop(async () => (await runOnce()) > 0, { idleMs: options.idleMs, onError: (error) => log?.warn({ err: error }, 'mail dispatch round failed') });

  return {
    transport,
    runOnce,
    async drain() {
      let total = 0;
      for (;;) {
        const sent = await runOnce();
        if (sent === 0) return total;
        total += sent;
      }
    },
    start(startLog) {
      log = startLog ?? log;
      loop.start();
    },
    stop: () => loop.stop(),
  };
}
