// The development mailbox: when SMTP_URL is unset (and not in production), the mails the
// server would have sent are listed at /dev/mailbox, each readable with its links, so a
// newcomer can finish an invitation with `npm start` alone. app.ts registers these routes
// only in that case: with SMTP_URL set or NODE_ENV=production the pages do not exist.

import type { FastifyInstance } from 'fastify';
import type { System } from '../system.ts';
import { html } from '../web/html.ts';
import { page } from '../web/layout.ts';
import { sendPage } from '../web/reply.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { linksIn } from '../mail/transport.ts';

export async function devMailboxRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.get('/dev/mailbox', async (_request, reply) => {
    const mails = await system.repos.outbox.listDevMailbox(100);
    return sendPage(
      reply,
      200,
      page({
        title: 'Development mailbox',
        body: html`<p class="muted">SMTP_URL is not set, so mails land here instead of being sent. Newest first.</p>
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
