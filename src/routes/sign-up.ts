// Self-registration and email verification pages, and the "send me a new link" form that every
// expired or used link's page carries. Answers never say whether an address has an account.

import type { FastifyInstance } from 'fastify';
import type { System } from '../system.ts';
import { isAppError } from '../errors.ts';
import { isValidVisitorFormToken, visitorFormToken } from '../web/visitor-form-token.ts';
import { homeLinkFor } from '../web/home-link.ts';
import { sendPage } from '../web/reply.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { CHECK_YOUR_MAIL, signUpPage, verifyEmailPage } from '../web/pages/onboarding-pages.ts';
import { onboardingPaths } from '../lib/onboarding-paths.ts';
import { formField } from './form-fields.ts';
import { requestContext } from './request-context.ts';
import { FORM_SUBJECTS, organizationEntry, sendLinkProblem, sendThrottled } from './onboarding-common.ts';
import { backToSignIn, signInReturnOf, withSignInReturn } from './sign-in-return.ts';

interface Params {
  org: string;
}

export async function signUpRoutes(app: FastifyInstance, { system }: { system: System }) {
  const { registration, passwords, onboarding } = system.services;

  app.get<{ Params: Params }>('/t/:org/register', async (request, reply) => {
    const entry = await organizationEntry(system, request.params.org, reply);
    if (!entry) return reply;
    const { organization } = entry;
    if (!(await registration.isEnabled(organization.id))) {
      return sendPage(reply, 404, messagePage({ title: 'Not available', message: `${organization.displayName} does not offer self-registration.`, tone: 'error' }));
    }
    return sendPage(
      reply,
      200,
      signUpPage({
        organizationName: organization.displayName,
        action: withSignInReturn(onboardingPaths.register(organization.handle), signInReturnOf(organization.handle, request.query)),
        csrf: visitorFormToken(reply, entry.formKey, FORM_SUBJECTS.register),
        minLength: await passwords.minLength(organization.id),
      }),
    );
  });

  app.post<{ Params: Params }>('/t/:org/register', async (request, reply) => {
    const entry = await organizationEntry(system, request.params.org, reply);
    if (!entry) return reply;
    const { organization } = entry;
    const values = { email: formField(request.body, 'email'), givenName: formField(request.body, 'givenName'), familyName: formField(request.body, 'familyName') };
    const render = async (status: number, error: string) =>
      sendPage(
        reply,
        status,
        signUpPage({
          organizationName: organization.displayName,
          action: withSignInReturn(onboardingPaths.register(organization.handle), signInReturnOf(organization.handle, request.query)),
          csrf: visitorFormToken(reply, entry.formKey, FORM_SUBJECTS.register),
          minLength: await passwords.minLength(organization.id),
          values,
          error,
        }),
      );
    if (!isValidVisitorFormToken(request, entry.formKey, FORM_SUBJECTS.register, formField(request.body, 'csrf'))) return render(403, 'The form expired. Please try again.');
    try {
      const result = await registration.register(organization, { ...values, password: formField(request.body, 'password') }, requestContext(request));
      if (result.outcome === 'throttled') return sendThrottled(reply, result.retryAfterSeconds);
      return sendPage(
        reply,
        200,
        messagePage({
          title: 'Check your email',
          message: `${CHECK_YOUR_MAIL} Open the link in it to confirm your address.`,
          tone: 'notice',
          ...backToSignIn(organization.handle, signInReturnOf(organization.handle, request.query)),
        }),
      );
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === 'request.not_found') {
        return sendPage(reply, 404, messagePage({ title: 'Not available', message: `${organization.displayName} does not offer self-registration.`, tone: 'error' }));
      }
      return render(error.status, error.message);
    }
  });

  app.get<{ Params: Params; Querystring: { token?: string } }>('/t/:org/email/verify', async (request, reply) => {
    const entry = await organizationEntry(system, request.params.org, reply);
    if (!entry) return reply;
    const { organization } = entry;
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    try {
      const user = await registration.verificationUser(organization, token);
      return sendPage(
        reply,
        200,
        verifyEmailPage({
          organizationName: organization.displayName,
          email: user.userName,
          action: onboardingPaths.verifyEmail(organization.handle),
          token,
          minLength: await passwords.minLength(organization.id),
        }),
      );
    } catch (error) {
      if (isAppError(error) && error.code === 'link.invalid') return sendLinkProblem(reply, entry, error.message);
      throw error;
    }
  });

  app.post<{ Params: Params }>('/t/:org/email/verify', async (request, reply) => {
    const entry = await organizationEntry(system, request.params.org, reply);
    if (!entry) return reply;
    const { organization } = entry;
    const token = formField(request.body, 'token');
    const password = formField(request.body, 'password');
    const rerender = async (status: number, error: string) => {
      const user = await registration.verificationUser(organization, token);
      return sendPage(
        reply,
        status,
        verifyEmailPage({
          organizationName: organization.displayName,
          email: user.userName,
          action: onboardingPaths.verifyEmail(organization.handle),
          token,
          minLength: await passwords.minLength(organization.id),
          error,
        }),
      );
    };
    try {
      if (formField(request.body, 'mode') === 'new') {
        if (password !== formField(request.body, 'confirm')) return await rerender(400, 'The two passwords do not match.');
        await registration.verifyWithNewPassword(organization, token, password, requestContext(request));
      } else {
        await registration.verifyWithRegisteredPassword(organization, token, password, requestContext(request));
      }
      // The link was opened from a mail, so the sign-in that led to registering is lost: offer
      // My Account, whose sign-in brings the person back into their new account.
      return sendPage(
        reply,
        200,
        messagePage({
          title: 'Email confirmed',
          message: 'Your email address is confirmed. You can now sign in.',
          tone: 'notice',
          ...homeLinkFor(organization.handle, { userType: 'customer' }),
        }),
      );
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === 'link.invalid') return sendLinkProblem(reply, entry, error.message);
      if (error.code === 'password.policy' || error.code === 'auth.unauthorized' || error.code === 'request.throttled') return rerender(error.status, error.message);
      throw error;
    }
  });

  app.post<{ Params: Params }>('/t/:org/links/renew', async (request, reply) => {
    const entry = await organizationEntry(system, request.params.org, reply);
    if (!entry) return reply;
    if (!isValidVisitorFormToken(request, entry.formKey, FORM_SUBJECTS.renewLink, formField(request.body, 'csrf'))) {
      return sendLinkProblem(reply, entry, 'The form expired', { status: 403, error: 'Please try again.' });
    }
    const result = await onboarding.requestNewLink(entry.organization, formField(request.body, 'email'), requestContext(request));
    if (result.outcome === 'throttled') return sendThrottled(reply, result.retryAfterSeconds);
    return sendPage(reply, 200, messagePage({ title: 'Check your email', message: CHECK_YOUR_MAIL, tone: 'notice', ...backToSignIn(entry.organization.handle, undefined) }));
  });
}
