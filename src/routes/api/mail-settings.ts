// /t/{org}/api/server/v1: what the Console's settings page needs about mail beyond the
// templates themselves (routes/api/onboarding.ts): a preview of a template with sample values,
// rendered exactly as a real mail is, and where mail goes (SMTP or the development mailbox)
// with the organization's outbox counts. The SMTP URL's credentials are never shown.

import type { FastifyInstance } from 'fastify';
import type { System } from '../../system.ts';
import type { MailPurpose } from '../../services/settings-service.ts';
import { AppError } from '../../errors.ts';
import { isMailPurpose, MAIL_PURPOSES, type TemplateValues } from '../../mail/templates.ts';
import { formatExpiry } from '../../mail/mailer.ts';
import { linkUrl, onboardingPaths } from '../../lib/onboarding-paths.ts';
import { authorized } from './principal.ts';
import { API_ERROR_SCHEMA } from './error-schema.ts';

const errors = { 400: API_ERROR_SCHEMA, 401: API_ERROR_SCHEMA, 403: API_ERROR_SCHEMA, 404: API_ERROR_SCHEMA } as const;

/** Where each purpose's link leads, so the sample looks like the real thing. */
const SAMPLE_PATH: Record<MailPurpose, ((handle: string) => string) | undefined> = {
  invitation: onboardingPaths.setPassword,
  invitation_resend: onboardingPaths.setPassword,
  verification: onboardingPaths.verifyEmail,
  activation: undefined,
  password_reset: onboardingPaths.resetPassword,
  registration_attempt: onboardingPaths.forgotPassword,
  password_changed: onboardingPaths.forgotPassword,
  password_set_by_administrator: onboardingPaths.forgotPassword,
  email_changed: undefined,
  administrator_added: undefined,
};

/** The SMTP server as host and port: never the user name or password the URL may carry. */
export function smtpServer(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
  return `${url.protocol}//${url.hostname}:${port}`;
}

export async function mailSettingsRoutes(app: FastifyInstance, { system }: { system: System }) {
  const tags = ['Mail'];

  app.post<{ Params: { org: string; purpose: string }; Body: { subject?: string; text?: string; html?: string } | undefined }>(
    '/server/v1/email-templates/:purpose/preview',
    {
      schema: {
        tags,
        summary: 'Render a mail template with sample values',
        description:
          'Renders the template given in the body (checked as when saving it), or the one in use when the body is empty, with sample values escaped into the HTML as in real mails. Nothing is stored or sent.',
        params: { type: 'object', properties: { org: { type: 'string' }, purpose: { type: 'string', enum: [...MAIL_PURPOSES] } }, required: ['org', 'purpose'] },
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { subject: { type: 'string' }, text: { type: 'string' }, html: { type: 'string' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              subject: { type: 'string' },
              text: { type: 'string' },
              html: { type: 'string' },
              values: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { organization } = authorized(request, 'internal_org_settings_view');
      const purpose = request.params.purpose;
      if (!isMailPurpose(purpose)) throw new AppError('request.not_found', `No mail template "${purpose}"`);
      const settings = await system.services.settings.get(organization.id);
      const ttl = purpose.startsWith('invitation') ? settings.invitationTtlSeconds : 24 * 60 * 60;
      const path = SAMPLE_PATH[purpose];
      const values: TemplateValues = {
        organizationName: organization.displayName,
        name: 'Alex Sample',
        email: 'alex.sample@example.com',
        ...(path && { link: linkUrl(system.config.publicUrl, path(organization.handle), 'sample') }),
        expiresAt: formatExpiry(new Date(system.clock.now().getTime() + ttl * 1000)),
        addresses: 'added alex@home.example; removed alex@old.example',
        administratorEmail: 'sam.sample@example.com',
      };
      const draft = request.body && Object.keys(request.body).length > 0 ? request.body : undefined;
      const rendered = await system.services.settings.previewTemplate(organization.id, purpose, draft, values);
      return { ...rendered, values };
    },
  );

  app.get(
    '/server/v1/mail-status',
    {
      schema: {
        tags,
        summary: "Where mail goes, and the organization's mails waiting or failed",
        response: {
          200: {
            type: 'object',
            properties: {
              transport: {
                type: 'string',
                enum: ['smtp', 'development', 'unconfigured'],
                description: 'smtp: SMTP_URL is set; development: mails are kept in the development mailbox (/dev/mailbox); unconfigured: nothing can be sent',
              },
              smtpServer: { type: ['string', 'null'], description: 'Protocol, host and port of the SMTP server; never its credentials' },
              pending: { type: 'integer' },
              sent: { type: 'integer' },
              failed: { type: 'integer' },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { organization } = authorized(request, 'internal_org_settings_view');
      const { smtpUrl } = system.config;
      const transport = system.mail.transport.kind === 'development' ? 'development' : smtpUrl ? 'smtp' : 'unconfigured';
      const counts = await system.repos.outbox.countForOrganization(organization.id);
      return { transport, smtpServer: transport === 'smtp' && smtpUrl ? smtpServer(smtpUrl) : null, ...counts };
    },
  );
}
