// The development mailbox: when mails go to it (SMTP_URL=dev:, or unset on a loopback SQLite
// server: mail/delivery.ts), the mails the server would have sent are listed at /dev/mailbox,
// each readable with its links, so a newcomer can finish an invitation with `npm start` alone.
// app.ts registers these routes only in that case. They hold every link a mail carried, so
// they answer only a connection from this machine that no proxy forwarded.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { System } from '../system.ts';
import { html } from '../web/html.ts';
import { page } from '../web/layout.ts';
import { sendPage } from '../web/reply.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { linksIn } from '../mail/transport.ts';

const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The socket's own peer, not request.ip: a trusted proxy's X-Forwarded-For must not count. */
function fromThisMachine(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  return !forwarded && LOOPBACK_PEERS.has(request.socket.remoteAddress ?? '');
}

export async function devMailboxRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.addHook('onRequest', async (request, reply) => {
    if (fromThisMachine(request)) return;
    return sendPage(reply, 403, messagePage({ title: 'Not here', message: 'The development mailbox answers only on this machine (a loopback connection, no proxy).', tone: 'error' }));
  });

  app.get('/dev/mailbox', async (_request, reply) => {
    const mails = await system.repos.outbox.listDevMailbox(100);
    return sendPage(
      reply,
      200,
      page({
        title: 'Development mailbox',
        body: html`<p class="muted">Mails land here instead of being sent (no SMTP server is configured). Newest first.</p>
${mails.length === 0 ? html`<p>No mail yet.</p>` : ''}
<ul>
${mails.map((m) => html`<li><a href="/dev/mailbox/${m.id}">${m.subject}</a><br><span class="muted">to ${m.recipient}, ${m.receivedAt.toISOString()}</span></li>
`)}
</ul>`,
      }),
    );
  });

  app.get<{ Params: { id: string } }>('/dev/mailbox/:id', async (request, reply) => {
    const mail = await system.repos.outbox.findDevMail(request.params.id);
    if (!mail) return sendPage(reply, 404, messagePage({ title: 'Not found', message: 'There is no such mail.', tone: 'error' }));
    return sendPage(
      reply,
      200,
      page({
        title: mail.subject,
        body: html`<p class="muted">From ${mail.sender}<br>To ${mail.recipient}<br>${mail.receivedAt.toISOString()}</p>
${linksIn(mail.text).map((link) => html`<p><a href="${link}">${link}</a></p>`)}
<pre>${mail.text}</pre>
<p><a href="/dev/mailbox">Back to the mailbox</a></p>`,
      }),
    );
  });
}
