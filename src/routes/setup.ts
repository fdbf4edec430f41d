// The first-run page: while no organization exists, the one-time link printed at start-up
// opens this form, which creates the first organization and its owner.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { System } from '../system.ts';
import { isAppError } from '../errors.ts';
import { sendPage } from '../web/reply.ts';
import { setupPage } from '../web/pages/setup-page.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { formField } from './form-fields.ts';
import { requestContext } from './request-context.ts';

function unavailable(reply: FastifyReply, message: string) {
  return sendPage(
    reply,
    410,
    messagePage({ title: 'Setup unavailable', message: `${message}. Restart the server to get a new setup link if you still need one.`, tone: 'error' }),
  );
}

export async function setupRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.get<{ Querystring: { token?: string } }>('/setup', async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    try {
      await system.services.firstRun.checkLink(token);
    } catch (error) {
      if (isAppError(error)) return unavailable(reply, error.message);
      throw error;
    }
    return sendPage(reply, 200, setupPage({ token }));
  });

  app.post('/setup', async (request, reply) => {
    const token = formField(request.body, 'token');
    const values = { name: formField(request.body, 'name'), handle: formField(request.body, 'handle'), email: formField(request.body, 'email') };
    try {
      const { organization } = await system.services.firstRun.complete(
        token,
        { handle: values.handle, displayName: values.name, ownerEmail: values.email, ownerPassword: formField(request.body, 'password') },
        requestContext(request),
      );
      const home = `${system.config.publicUrl}/t/${organization.handle}`;
      const urls = { console: `${home}/console/`, myAccount: `${home}/myaccount/` };
      // The log is where an operator looks after a first run: say where the apps are.
      request.log.info({ organization: organization.handle, consoleUrl: urls.console, myAccountUrl: urls.myAccount }, `organization created: the Console is at ${urls.console}, My Account at ${urls.myAccount}`);
      return sendPage(
        reply,
        201,
        messagePage({
          title: 'Organization created',
          message: `${organization.displayName} is ready. Sign in to the Console with the email and password you chose to add administrators, customers and applications; customers manage their own account in My Account.`,
          tone: 'notice',
          links: [
            { href: urls.console, text: `Open the Console (${urls.console})` },
            { href: urls.myAccount, text: `Open My Account (${urls.myAccount})` },
          ],
        }),
      );
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === 'link.invalid' || error.code === 'setup.unavailable') return unavailable(reply, error.message);
      return sendPage(reply, error.status, setupPage({ token, values, error: error.message }));
    }
  });
}
