// The mail side of a system: the transport chosen from the configuration (`delivery.ts`) and
// the outbox dispatcher over it. Without a transport (no SMTP_URL, and the development mailbox
// not chosen) mails wait in the outbox and this node never claims one: another node with a
// real transport, or this one once configured, sends them.

import type { Config } from '../config.ts';
import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';
import { mailDelivery } from './delivery.ts';
import { createMailDispatcher, type DispatcherOptions, type MailDispatcher } from './dispatcher.ts';
import { createDevMailboxTransport, type MailLog, type MailTransport } from './transport.ts';
import { createSmtpTransport } from './smtp-transport.ts';

export type { MailDispatcher, DispatcherOptions, MailLog, MailTransport };

function unconfiguredTransport(): MailTransport {
  return {
    kind: 'none',
    async send() {
      throw new Error('SMTP_URL is not set: mail cannot be sent');
    },
    async close() {},
  };
}

export function createMail(config: Config, repos: Repos, clock: Clock, options?: DispatcherOptions): MailDispatcher {
  let log: MailLog | undefined;
  const delivery = mailDelivery(config);
  const transport =
    delivery === 'smtp' && config.smtpUrl
      ? createSmtpTransport(config.smtpUrl, config.publicUrl)
      : delivery === 'development'
        ? createDevMailboxTransport(repos, clock, config.publicUrl, () => log)
        : unconfiguredTransport();
  const dispatcher = createMailDispatcher({ repos, clock, transport, options });
  if (transport.kind === 'none') {
    // Claiming a mail it cannot send would only delay it for the nodes that can.
    return { ...dispatcher, runOnce: async () => 0, drain: async () => 0, start() {} };
  }
  return {
    ...dispatcher,
    start(startLog) {
      log = startLog;
      dispatcher.start(startLog);
    },
  };
}
