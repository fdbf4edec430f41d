// The tables of onboarding by email (migration 0004), kept beside schema.ts so that the
// shared schema file only names them.

import type { Bool, NullableTimestamp, Timestamp } from './schema.ts';

export interface OrganizationSettingsTable {
  org_id: string;
  self_registration_enabled: Bool;
  self_registration_activate_immediately: Bool;
  invitation_ttl_seconds: number;
  temporary_password_ttl_seconds: number;
  force_temporary_password_change: Bool;
  password_min_length: number;
  send_activation_mail: Bool;
  updated_at: Timestamp;
}

export type MailPurpose =
  | 'invitation'
  | 'invitation_resend'
  | 'verification'
  | 'activation'
  | 'password_reset'
  | 'registration_attempt'
  // Security notifications (services/security-notifications.ts).
  | 'password_changed'
  | 'password_set_by_administrator'
  | 'email_changed'
  | 'administrator_added';
export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxTable {
  id: string;
  org_id: string | null;
  user_id: string | null;
  purpose: MailPurpose;
  recipient: string;
  sender_name: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Timestamp;
  locked_until: NullableTimestamp;
  lease_token: string | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: NullableTimestamp;
  /** Set just before the SMTP server could accept the mail; a claimed row with it is not sent again. */
  handed_over_at: NullableTimestamp;
}

export interface MailTemplatesTable {
  org_id: string;
  purpose: MailPurpose;
  subject: string;
  text_body: string;
  html_body: string;
  updated_at: Timestamp;
}

export interface DevMailboxTable {
  id: string;
  outbox_id: string;
  recipient: string;
  sender: string;
  subject: string;
  text_body: string;
  html_body: string;
  received_at: Timestamp;
}

export interface SelfRegistrationsTable {
  user_id: string;
  org_id: string;
  registered_at: Timestamp;
  verified_at: NullableTimestamp;
}

export interface OnboardingTables {
  organization_settings: OrganizationSettingsTable;
  outbox: OutboxTable;
  mail_templates: MailTemplatesTable;
  dev_mailbox: DevMailboxTable;
  self_registrations: SelfRegistrationsTable;
}
