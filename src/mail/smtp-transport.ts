// Sends a mail to the SMTP server of SMTP_URL, one connection per mail (at most the dispatcher's
// concurrency at once), so that the moment the server may take the message is ours to see.
//
// Why not nodemailer's pooled sendMail: it reads the composed message ahead, before the server has
// even accepted the recipients, so nothing tells when the message is really handed over. Here the
// message is built first (nodemailer's MailComposer, the same MIME as before) and fed to
// nodemailer's SMTPConnection through a stream that holds back its end: only once every byte is
// written and the caller's `handOver()` has run (the dispatcher records the hand-over under its
// lease) does the stream end, which writes the end-of-data mark the server accepts on. A crash
// before that leaves an unfinished DATA the server discards; a crash after it leaves a record
// that says "do not send again" (dispatcher.ts). See docs/operations.md, SMTP.

import { PassThrough } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import MailComposer from 'nodemailer/lib/mail-composer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { headerText } from './templates.ts';
import { messageId, senderAddress, type MailTransport, type OutgoingMail } from './transport.ts';

// Fail fast when the server is down or stalls: the outbox retries later. The dispatcher's lease
// (60 s) outlasts connect + greeting + one idle socket period.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

function buildMessage(mail: OutgoingMail, from: string, publicUrl: string): Promise<Buffer> {
  const composer = new MailComposer({
    from: { name: headerText(mail.senderName), address: from },
    to: mail.to,
    subject: headerText(mail.subject),
    text: mail.text,
    html: mail.html,
    messageId: messageId(mail.id, publicUrl),
    // Nothing from a value may pull in a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return new Promise((resolve, reject) => composer.compile().build((error, message) => (error ? reject(error) : resolve(message))));
}

function connect(options: SMTPConnection.Options, auth: SMTPConnection.AuthenticationType | undefined): Promise<SMTPConnection> {
  return new Promise((resolve, reject) => {
    const connection = new SMTPConnection(options);
    connection.once('error', reject);
    connection.connect(() => {
      if (!auth) return resolve(connection);
      connection.login(auth, (error) => (error ? reject(error) : resolve(connection)));
    });
  });
}

export function createSmtpTransport(smtpUrl: string, publicUrl: string): MailTransport {
  const from = senderAddress(publicUrl);
  const { auth, ...urlOptions } = parseConnectionUrl(smtpUrl) as SMTPConnection.Options & { auth?: SMTPConnection.AuthenticationType };
  const options: SMTPConnection.Options = { ...urlOptions, ...SMTP_TIMEOUTS, logger: false };
  const open = new Set<SMTPConnection>();

  return {
    kind: 'smtp',
    async send(mail, handOver) {
      const message = await buildMessage(mail, from, publicUrl);
      const connection = await connect(options, auth?.user ? auth : undefined);
      open.add(connection);
      try {
        await new Promise<void>((resolve, reject) => {
          connection.on('error', reject);
          const body = new PassThrough();
          // SMTPConnection starts reading the stream only after the server's 354 to DATA, so the
          // first read means the envelope was accepted. The whole message goes out at once; its
          // end (and with it the end-of-data mark) waits for the hand-over to be recorded.
          body.once('resume', () => {
            body.write(message, () => {
              void Promise.resolve(handOver?.()).then(
                () => body.end(),
                (error: unknown) => {
                  // Never ended: the server sees no end of data and keeps nothing.
                  connection.close();
                  reject(error);
                },
              );
            });
          });
          connection.send({ from, to: [mail.to] }, body, (error) => (error ? reject(error) : resolve()));
        });
      } finally {
        open.delete(connection);
        connection.quit();
      }
    },
    async close() {
      for (const connection of open) connection.close();
    },
  };
}
