// Writes mails into the outbox inside the caller's transaction: the mail exists exactly when
// the change that causes it commits. The organization's template override is used when it has
// one; the default otherwise.

import type { RepoSet } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { MailPurpose } from '../db/onboarding-schema.ts';
import type { Clock } from '../lib/clock.ts';
import { newId } from '../lib/ids.ts';
import { assertHeaderSafeAddress, DEFAULT_TEMPLATES, renderTemplate, type TemplateValues } from './templates.ts';

export interface MailRequest {
  organization: Organization;
  userId: string | null;
  purpose: MailPurpose;
  recipient: string;
  /** The recipient's name for the greeting; their address when they have none. */
  name?: string | null;
  link?: string;
  expiresAt?: Date;
  /** Values only some purposes use (templates.ts TEMPLATE_VARIABLES). */
  extra?: Pick<TemplateValues, 'addresses' | 'administratorEmail'>;
}

export function formatExpiry(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function createMailer(deps: { clock: Clock }) {
  return {
    /** Renders and stores a mail in `tx`; returns the outbox id. */
    async enqueue(tx: RepoSet, request: MailRequest): Promise<string> {
      assertHeaderSafeAddress(request.recipient);
      const template = (await tx.settings.findTemplate(request.organization.id, request.purpose)) ?? DEFAULT_TEMPLATES[request.purpose];
      const values: TemplateValues = {
        organizationName: request.organization.displayName,
        name: request.name || request.recipient,
        email: request.recipient,
        ...(request.link && { link: request.link }),
        ...(request.expiresAt && { expiresAt: formatExpiry(request.expiresAt) }),
        ...request.extra,
      };
      const rendered = renderTemplate(template, values);
      const id = newId();
      await tx.outbox.enqueue({
        id,
        orgId: request.organization.id,
        userId: request.userId,
        purpose: request.purpose,
        recipient: request.recipient,
        senderName: request.organization.displayName,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        createdAt: deps.clock.now(),
      });
      return id;
    },
  };
}

export type Mailer = ReturnType<typeof createMailer>;
