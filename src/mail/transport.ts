// Where the dispatcher hands mails: an SMTP server (SMTP_URL, smtp-transport.ts), or, in
// development, the database's mailbox readable at /dev/mailbox.

import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';
import { newId } from '../lib/ids.ts';
import { headerText } from './templates.ts';

export interface OutgoingMail {
  /** The outbox row's id: also the Message-ID, so a receiver can recognise a repeat. */
  id: string;
  senderName: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  /** `none`: no SMTP_URL and the development mailbox not chosen; nothing can be sent. */
  readonly kind: 'smtp' | 'development' | 'none';
  /**
   * Resolves once the receiver accepted the mail. `handOver`, when given, runs at the last moment
   * before the receiver can accept it (SMTP: before the end-of-data mark); if it throws, the mail
   * is not handed over and `send` rejects with its error.
   */
  send(mail: OutgoingMail, handOver?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface MailLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** The From address: no-reply at PUBLIC_URL's host, named after the organization. */
export function senderAddress(publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  return `no-reply@${host.includes('.') ? host : `${host}.localdomain`}`;
}

export function messageId(id: string, publicUrl: string): string {
  return `<${id}@${new URL(publicUrl).hostname || 'tessera'}>`;
}

const LINK = /https?:\/\/[^\s<>"']+/g;

export function linksIn(text: string): string[] {
  return [...new Set(text.match(LINK) ?? [])];
}

/**
 * Development only (SMTP_URL=dev:, or unset on a loopback SQLite server; see delivery.ts): mails are kept in the database for
 * /dev/mailbox, and each mail's links are logged so a newcomer can finish a flow from the
 * terminal. This is the one place a link is logged, which is why it never runs in production.
 */
export function createDevMailboxTransport(repos: Repos, clock: Clock, publicUrl: string, getLog: () => MailLog | undefined): MailTransport {
  const from = senderAddress(publicUrl);
  return {
    kind: 'development',
    async send(mail) {
      await repos.outbox.deliverToDevMailbox({
        id: newId(),
        outboxId: mail.id,
        recipient: mail.to,
        sender: `${headerText(mail.senderName)} <${from}>`,
        subject: headerText(mail.subject),
        text: mail.text,
        html: mail.html,
        receivedAt: clock.now(),
      });
      getLog()?.info(
        { to: mail.to, subject: headerText(mail.subject), links: linksIn(mail.text), mailbox: `${publicUrl}/dev/mailbox` },
        'development mail delivered to /dev/mailbox (SMTP_URL is not set)',
      );
    },
    async close() {},
  };
}
