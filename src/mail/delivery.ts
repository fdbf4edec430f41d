// Where this node's mail goes, decided once from the configuration (docs/security.md section 6).
// The development mailbox keeps every mail, reset links included, readable at /dev/mailbox: it is
// used only when chosen on purpose (SMTP_URL=dev:), or unasked for a newcomer's server that
// cannot be shared: the embedded SQLite database, a loopback PUBLIC_URL, not production. On a
// shared PostgreSQL a node without SMTP_URL would otherwise take every organization's mail.

import type { Config } from '../config.ts';

export type MailDelivery = 'smtp' | 'development' | 'none';

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function mailDelivery(config: Pick<Config, 'smtpUrl' | 'devMailbox' | 'databaseUrl' | 'publicUrl' | 'nodeEnv'>): MailDelivery {
  if (config.smtpUrl) return 'smtp';
  if (config.devMailbox) return 'development';
  if (!config.databaseUrl && isLoopbackUrl(config.publicUrl) && config.nodeEnv !== 'production') return 'development';
  return 'none';
}

/** Why the server must not start with this mail configuration, or undefined when it may. */
export function mailStartupProblem(config: Parameters<typeof mailDelivery>[0]): string | undefined {
  if (mailDelivery(config) !== 'none' || !config.databaseUrl) return undefined;
  return (
    'SMTP_URL is not set. With DATABASE_URL (a database other nodes may share) set SMTP_URL to your ' +
    'mail server (smtp://user:password@host:587 or smtps://user:password@host:465), or SMTP_URL=dev: ' +
    "to keep this node's mails in the development mailbox at /dev/mailbox (readable from this machine only)."
  );
}
