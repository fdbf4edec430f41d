// Pieces the hosted onboarding routes share: the organization (with its form key for CSRF
// tokens) or a 404 page, the "link not usable" page with its "send me a new link" form, and
// the throttled answer.

import type { FastifyReply } from 'fastify';
import type { System } from '../system.ts';
import type { ProviderEntry } from '../oidc/provider-registry.ts';
import type { Organization } from '../repos/organization-repo.ts';
import { visitorFormToken } from '../web/visitor-form-token.ts';
import { sendPage } from '../web/reply.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { linkProblemPage } from '../web/pages/onboarding-pages.ts';
import { onboardingPaths } from '../lib/onboarding-paths.ts';
import { withSignInReturn } from './sign-in-return.ts';

/** What each public form's CSRF token is bound to (with the organization's form key). */
export const FORM_SUBJECTS = { register: 'register', forgotPassword: 'forgot-password', renewLink: 'renew-link' } as const;

export async function organizationEntry(system: System, handle: string, reply: FastifyReply): Promise<ProviderEntry | undefined> {
  const entry = await system.providers.get(handle);
  if (!entry) sendPage(reply, 404, messagePage({ title: 'Not found', message: 'There is no organization at this address.', tone: 'error' }));
  return entry;
}

export function sendLinkProblem(reply: FastifyReply, entry: ProviderEntry, message: string, extra: { status?: number; notice?: string; error?: string } = {}) {
  return sendPage(
    reply,
    extra.status ?? 410,
    linkProblemPage({
      message,
      action: onboardingPaths.renewLink(entry.organization.handle),
      csrf: visitorFormToken(reply, entry.formKey, FORM_SUBJECTS.renewLink),
      notice: extra.notice,
      error: extra.error,
    }),
  );
}

/**
 * 429 as a page, with Retry-After. `message` is the refusal's own words when it has them (the
 * server being busy is not the visitor's doing); otherwise "too many requests".
 */
export function sendThrottled(reply: FastifyReply, retryAfterSeconds: number, message?: string) {
  const [count, unit] = retryAfterSeconds < 60 ? [retryAfterSeconds, 'second'] : [Math.ceil(retryAfterSeconds / 60), 'minute'];
  const wait = `${count} ${unit}${count === 1 ? '' : 's'}`;
  reply.header('retry-after', String(retryAfterSeconds));
  return sendPage(
    reply,
    429,
    messagePage({ title: message ? 'Try again shortly' : 'Too many requests', message: message ?? `Too many requests. Try again in ${wait}.`, tone: 'error' }),
  );
}

/**
 * The links under the sign-in form: forgot password always, sign-up when offered, each carrying
 * the sign-in page's path so "Check your email" can lead back to it.
 */
export async function signInLinks(system: System, organization: Organization, signInPath?: string): Promise<{ forgotPassword: string; register?: string }> {
  const enabled = await system.services.registration.isEnabled(organization.id);
  return {
    forgotPassword: withSignInReturn(onboardingPaths.forgotPassword(organization.handle), signInPath),
    ...(enabled && { register: withSignInReturn(onboardingPaths.register(organization.handle), signInPath) }),
  };
}
