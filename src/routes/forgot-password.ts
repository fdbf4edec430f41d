// Forgot password: the request form (same answer for every address) and the page its mailed
// link opens, where a new password ends every other session of the account.

import type { FastifyInstance } from 'fastify';
import type { System } from '../system.ts';
import { isAppError } from '../errors.ts';
import { isValidVisitorFormToken, visitorFormToken } from '../web/visitor-form-token.ts';
import { homeLinkFor } from '../web/home-link.ts';
import { sendPage } from '../web/reply.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { CHECK_YOUR_MAIL, forgotPasswordPage, resetPasswordPage } from '../web/pages/onboarding-pages.ts';
import { onboardingPaths } from '../lib/onboarding-paths.ts';
import { formField } from './form-fields.ts';
import { requestContext } from './request-context.ts';
import { FORM_SUBJECTS, organizationEntry, sendLinkProblem, sendThrottled } from './onboarding-common.ts';
import { backToSignIn, signInReturnOf, withSignInReturn } from './sign-in-return.ts';

interface Params {
  org: string;
}

export async function forgotPasswordRoutes(app: FastifyInstance, { system }: { system: System }) {
  const { recovery, passwords } = system.services;

  app.get<{ Params: Params }>('/t/:org/password/forgot', async (request, reply) => {
    const entry = await organizationEntry(system, request.params.org, reply);
    if (!entry) return reply;
    const { organization } = entry;
    return sendPage(
      reply,
      200,
      forgotPasswordPage({ organizationName: organization.displayName, action: withSignInReturn(onboardingPaths.forgotPassword(organization.handle), signInReturnOf(organization.handle, request.query)), csrf: visitorFormToken(reply, entry.formKey, FORM_SUBJECTS.forgotPassword) }),
    );
  });

  app.post<{ Params: Params }>('/t/:org/password/forgot', async (request, reply) => {
    const entry = await organizationEntry(system, request.params.org, reply);
    if (!entry) return reply;
    const { organization } = entry;
    const email = formField(request.body, 'email');
    if (!isValidVisitorFormToken(request, entry.formKey, FORM_SUBJECTS.forgotPassword, formField(request.body, 'csrf'))) {
      return sendPage(
        reply,
        403,
        forgotPasswordPage({
          organizationName: organization.displayName,
          action: withSignInReturn(onboardingPaths.forgotPassword(organization.handle), signInReturnOf(organization.handle, request.query)),
          csrf: visitorFormToken(reply, entry.formKey, FORM_SUBJECTS.forgotPassword),
          email,
          error: 'The form expired. Please try again.',
        }),
      );
    }
    const result = await recovery.requestReset(organization, email, requestContext(request));
    if (result.outcome === 'throttled') return sendThrottled(reply, result.retryAfterSeconds);
    return sendPage(reply, 200, messagePage({ title: 'Check your email', message: CHECK_YOUR_MAIL, tone: 'notice', ...backToSignIn(organization.handle, signInReturnOf(organization.handle, request.query)) }));
  });

  app.get<{ Params: Params; Querystring: { token?: string } }>('/t/:org/password/reset', async (request, reply) => {
    const entry = await organizationEntry(system, request.params.org, reply);
    if (!entry) return reply;
    const { organization } = entry;
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    try {
      const user = await recovery.resetUser(organization, token);
      return sendPage(
        reply,
        200,
        resetPasswordPage({
          organizationName: organization.displayName,
          email: user.userName,
          action: onboardingPaths.resetPassword(organization.handle),
          token,
          minLength: await passwords.minLength(organization.id),
        }),
      );
    } catch (error) {
      if (isAppError(error) && error.code === 'link.invalid') return sendLinkProblem(reply, entry, error.message);
      throw error;
    }
  });

  app.post<{ Params: Params }>('/t/:org/password/reset', async (request, reply) => {
    const entry = await organizationEntry(system, request.params.org, reply);
    if (!entry) return reply;
    const { organization } = entry;
    const token = formField(request.body, 'token');
    const password = formField(request.body, 'password');
    const rerender = async (error: string) => {
      const user = await recovery.resetUser(organization, token);
      return sendPage(
        reply,
        400,
        resetPasswordPage({
          organizationName: organization.displayName,
          email: user.userName,
          action: onboardingPaths.resetPassword(organization.handle),
          token,
          minLength: await passwords.minLength(organization.id),
          error,
        }),
      );
    };
    try {
      if (password !== formField(request.body, 'confirm')) return await rerender('The two passwords do not match.');
      const user = await recovery.completeReset(organization, token, password, requestContext(request));
      return sendPage(
        reply,
        200,
        messagePage({
          title: 'Password changed',
          message: 'Your password is changed and every other session has ended. You can now sign in.',
          tone: 'notice',
          ...homeLinkFor(organization.handle, user),
        }),
      );
    } catch (error) {
      if (isAppError(error) && error.code === 'link.invalid') return sendLinkProblem(reply, entry, error.message);
      if (isAppError(error) && error.code === 'password.policy') return rerender(error.message);
      throw error;
    }
  });
}
