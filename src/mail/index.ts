// The mail side of a system: the transport chosen from the configuration and the outbox
// dispatcher over it. SMTP when SMTP_URL is set; otherwise, outside production, the
// development mailbox (/dev/mailbox); in production without SMTP_URL, nothing can be sent and
// mails wait in the outbox (retried, then failed with the reason) until it is configured.

import type { Config } from '../config.ts';
import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';
import { createMailDispatcher, type DispatcherOptions, type MailDispatcher } from './dispatcher.ts';
import { createDevMailboxTransport, createSmtpTransport, type MailLog, type MailTransport } from './transport.ts';

export type { MailDispatcher, DispatcherOptions, MailLog, MailTransport };

/** True when mails go to the development mailbox: no SMTP_URL and not NODE_ENV=production. */
export function usesDevelopmentMailbox(config: Pick<Config, 'smtpUrl'>, nodeEnv = process.env.NODE_ENV): boolean {
  return !config.smtpUrl && nodeEnv !== 'production';
}

function unconfiguredTransport(): MailTransport {
  return {
    kind: 'smtp',
    async send() {
      throw new Error('SMTP_URL is not set: mail cannot be sent');
    },
    async close() {},
  };
}

export function createMail(config: Config, repos: Repos, clock: Clock, options?: DispatcherOptions): MailDispatcher {
  let log: MailLog | undefined;
  const transport = config.smtpUrl
    ? createSmtpTransport(config.smtpUrl, config.publicUrl)
    : usesDevelopmentMailbox(config)
      ? createDevMailboxTransport(repos, clock, config.publicUrl, () => log)
      : unconfiguredTransport();
  const dispatcher = createMailDispatcher({ repos, clock, transport, options });
  return {
    ...dispatcher,
    start(startLog) {
      log = startLog;
      dispatcher.start(startLog);
    },
  };
}
