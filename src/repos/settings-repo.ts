// Organization settings (one row per organization; no row means the defaults in code) and
// the organization's mail template overrides.

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { MailPurpose } from '../db/onboarding-schema.ts';
import { toBool, toDate } from '../db/values.ts';

export interface OrganizationSettings {
  selfRegistrationEnabled: boolean;
  /** Self-registered accounts may sign in before their address is verified. */
  selfRegistrationActivateImmediately: boolean;
  invitationTtlSeconds: number;
  temporaryPasswordTtlSeconds: number;
  /** A password an administrator sets on create is temporary: the first sign-in only changes it. */
  forceTemporaryPasswordChange: boolean;
  passwordMinLength: number;
  sendActivationMail: boolean;
}

export const DEFAULT_SETTINGS: OrganizationSettings = {
  selfRegistrationEnabled: false,
  selfRegistrationActivateImmediately: false,
  invitationTtlSeconds: 24 * 60 * 60,
  temporaryPasswordTtlSeconds: 7 * 24 * 60 * 60,
  forceTemporaryPasswordChange: true,
  passwordMinLength: 8,
  sendActivationMail: false,
};

export interface MailTemplateOverride {
  purpose: MailPurpose;
  subject: string;
  text: string;
  html: string;
  updatedAt: Date;
}

export function createSettingsRepo(db: Kysely<Database>) {
  return {
    async find(orgId: string): Promise<OrganizationSettings> {
      const row = await db.selectFrom('organization_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
      if (!row) return { ...DEFAULT_SETTINGS };
      return {
        selfRegistrationEnabled: toBool(row.self_registration_enabled),
        selfRegistrationActivateImmediately: toBool(row.self_registration_activate_immediately),
        invitationTtlSeconds: row.invitation_ttl_seconds,
        temporaryPasswordTtlSeconds: row.temporary_password_ttl_seconds,
        forceTemporaryPasswordChange: toBool(row.force_temporary_password_change),
        passwordMinLength: row.password_min_length,
        sendActivationMail: toBool(row.send_activation_mail),
      };
    },

    async save(orgId: string, settings: OrganizationSettings, now: Date): Promise<void> {
      const columns = {
        self_registration_enabled: settings.selfRegistrationEnabled,
        self_registration_activate_immediately: settings.selfRegistrationActivateImmediately,
        invitation_ttl_seconds: settings.invitationTtlSeconds,
        temporary_password_ttl_seconds: settings.temporaryPasswordTtlSeconds,
        force_temporary_password_change: settings.forceTemporaryPasswordChange,
        password_min_length: settings.passwordMinLength,
        send_activation_mail: settings.sendActivationMail,
        updated_at: now,
      };
      await db
        .insertInto('organization_settings')
        .values({ org_id: orgId, ...columns })
        .onConflict((oc) => oc.column('org_id').doUpdateSet(columns))
        .execute();
    },

    async findTemplate(orgId: string, purpose: MailPurpose): Promise<MailTemplateOverride | undefined> {
      const row = await db
        .selectFrom('mail_templates')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('purpose', '=', purpose)
        .executeTakeFirst();
      return row && { purpose: row.purpose, subject: row.subject, text: row.text_body, html: row.html_body, updatedAt: toDate(row.updated_at) };
    },

    async saveTemplate(orgId: string, template: Omit<MailTemplateOverride, 'updatedAt'>, now: Date): Promise<void> {
      const columns = { subject: template.subject, text_body: template.text, html_body: template.html, updated_at: now };
      await db
        .insertInto('mail_templates')
        .values({ org_id: orgId, purpose: template.purpose, ...columns })
        .onConflict((oc) => oc.columns(['org_id', 'purpose']).doUpdateSet(columns))
        .execute();
    },

    async deleteTemplate(orgId: string, purpose: MailPurpose): Promise<boolean> {
      const result = await db.deleteFrom('mail_templates').where('org_id', '=', orgId).where('purpose', '=', purpose).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
