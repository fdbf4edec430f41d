// The organization's onboarding settings, mail templates and mail status (management API:
// src/routes/api/onboarding.ts and src/routes/api/mail-settings.ts).

import { config } from '../config.ts';
import { ApiError, apiRequest } from './http.ts';

export interface OrganizationSettings {
  selfRegistrationEnabled: boolean;
  selfRegistrationActivateImmediately: boolean;
  invitationTtlSeconds: number;
  temporaryPasswordTtlSeconds: number;
  forceTemporaryPasswordChange: boolean;
  passwordMinLength: number;
  sendActivationMail: boolean;
}

export type MailPurpose =
  | 'invitation'
  | 'invitation_resend'
  | 'verification'
  | 'activation'
  | 'password_reset'
  | 'registration_attempt'
  | 'password_changed'
  | 'password_set_by_administrator'
  | 'email_changed'
  | 'administrator_added';

export const MAIL_PURPOSES: { value: MailPurpose; label: string; description: string }[] = [
  { value: 'invitation', label: 'Invitation', description: 'Sent when an administrator invites someone to set their own password.' },
  { value: 'invitation_resend', label: 'Invitation reminder', description: 'Sent when an invitation is sent again; earlier links stop working.' },
  { value: 'verification', label: 'Email verification', description: 'Sent to a customer who registered, to confirm their address.' },
  { value: 'activation', label: 'Account activated', description: 'Sent once a self-registered account is active, when that mail is turned on.' },
  { value: 'password_reset', label: 'Password reset', description: 'Sent when someone asks to reset a forgotten password.' },
  { value: 'registration_attempt', label: 'Registration attempt', description: 'Sent when someone tries to register with an address that already has an account.' },
  { value: 'password_changed', label: 'Password changed', description: 'Sent when a user changes or resets their own password.' },
  { value: 'password_set_by_administrator', label: 'Password set by an administrator', description: "Sent when an administrator sets a user's password." },
  { value: 'email_changed', label: 'Email addresses changed', description: "Sent to the sign-in address when an account's addresses change ({{addresses}} says how)." },
  { value: 'administrator_added', label: 'Administrator added', description: 'Sent to the owner when an administrator is invited ({{administratorEmail}}).' },
];

export const TEMPLATE_PLACEHOLDERS = ['organizationName', 'name', 'email', 'link', 'expiresAt', 'addresses', 'administratorEmail'] as const;

export interface MailTemplate {
  purpose: MailPurpose;
  subject: string;
  text: string;
  html: string;
  /** False while the organization uses the default. */
  customized: boolean;
}

export interface TemplateDraft {
  subject: string;
  text: string;
  html: string;
}

export interface TemplatePreview extends TemplateDraft {
  values: Record<string, string>;
}

export interface MailStatus {
  transport: 'smtp' | 'development' | 'unconfigured';
  smtpServer: string | null;
  pending: number;
  sent: number;
  failed: number;
}

const base = `${config.apiBase}/server/v1`;
const template = (purpose: MailPurpose) => `${base}/email-templates/${encodeURIComponent(purpose)}`;

export const settingsApi = {
  get: () => apiRequest<OrganizationSettings>(`${base}/settings`),
  update: (changes: Partial<OrganizationSettings>) => apiRequest<OrganizationSettings>(`${base}/settings`, { method: 'PATCH', body: changes }),
  template: (purpose: MailPurpose) => apiRequest<MailTemplate>(template(purpose)),
  saveTemplate: (purpose: MailPurpose, draft: TemplateDraft) => apiRequest<MailTemplate>(template(purpose), { method: 'PUT', body: draft }),
  resetTemplate: (purpose: MailPurpose) => apiRequest<MailTemplate>(template(purpose), { method: 'DELETE' }),
  preview: (purpose: MailPurpose, draft: TemplateDraft) => apiRequest<TemplatePreview>(`${template(purpose)}/preview`, { method: 'POST', body: draft }),
  mailStatus: () => apiRequest<MailStatus>(`${base}/mail-status`),
};

/**
 * The problems of a rejected change by field (settings or template parts), as the server
 * reports them in `details.fields`; empty when the error is about no field in particular.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.status !== 400) return {};
  const fields = error.details?.fields;
  return fields && typeof fields === 'object' ? (fields as Record<string, string>) : {};
}
