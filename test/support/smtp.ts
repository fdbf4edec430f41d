// A real SMTP server in the test process (smtp-server on a loopback port) that keeps what it
// receives, parsed with mailparser. It can go down and come back on the same port, and can be
// told to refuse recipients, so tests see what an SMTP outage does to the outbox.

import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { freePort } from './system.ts';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Every header line's name, lower-cased, as received. */
  headerNames: string[];
  headers: Map<string, unknown>;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Mails to `to`, in arrival order. */
  mailsTo(to: string): ReceivedMail[];
  /** Stops listening (connections are refused) until `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** While set, every RCPT TO is refused with this reply, with code `refuseCode`. */
  refuseRecipients: string | undefined;
  /** 550 (permanent, the default) or a 4xx (try again later). */
  refuseCode: number;
  /** Milliseconds between a message's arrival (it is in `received` at once) and the server's 250. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const port = await freePort();
  let server: SMTPServer | undefined;
  const state: TestSmtpServer = {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received: [],
    refuseRecipients: undefined,
    refuseCode: 550,
    delayMs: 0,
    mailsTo: (to) => state.received.filter((m) => m.to === to),
    async start() {
      if (server) return;
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onRcptTo(_address, _session, callback) {
          if (state.refuseRecipients) {
            const error = new Error(state.refuseRecipients) as Error & { responseCode: number };
            error.responseCode = state.refuseCode;
            return callback(error);
          }
          callback();
        },
        onData(stream, session, callback) {
          simpleParser(stream)
            .then(async (parsed) => {
              state.received.push({
                to: session.envelope.rcptTo.map((r) => r.address).join(','),
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                messageId: parsed.messageId ?? '',
                headerNames: parsed.headerLines.map((h) => h.key),
                headers: parsed.headers,
              });
              // Kept as soon as it has arrived, answered after the delay: a server that is slow to
              // say 250 holds mails its sender has not heard back about.
              if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
              callback();
            })
            .catch(callback);
        },
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
    },
    async stop() {
      const current = server;
      server = undefined;
      if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    close: () => state.stop(),
  };
  await state.start();
  return state;
}

/** The first link in a mail's text that carries a token. */
export function linkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/\S+token=[A-Za-z0-9_\-%]+/.exec(mail.text);
  if (!match) throw new Error(`No link in mail "${mail.subject}": ${mail.text}`);
  return match[0];
}

export function tokenOf(link: string): string {
  return new URL(link).searchParams.get('token') ?? '';
}
