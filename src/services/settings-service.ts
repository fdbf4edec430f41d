// An organization's onboarding settings and mail templates, read with defaults and changed
// through the management API (validated, audited).

import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';
import type { MailPurpose } from '../db/onboarding-schema.ts';

export type { MailPurpose };
import { DEFAULT_SETTINGS, type OrganizationSettings } from '../repos/settings-repo.ts';
import { AppError } from '../errors.ts';
import { DEFAULT_TEMPLATES, renderTemplate, validateTemplate, type MailTemplate, type RenderedMail, type TemplateValues } from '../mail/templates.ts';
import { auditFields, type RequestContext } from './request-context.ts';

const DAY = 24 * 60 * 60;

type Rule = { kind: 'boolean' } | { kind: 'integer'; min: number; max: number; unit?: string };

export const SETTING_RULES: Record<keyof OrganizationSettings, Rule> = {
  selfRegistrationEnabled: { kind: 'boolean' },
  selfRegistrationActivateImmediately: { kind: 'boolean' },
  invitationTtlSeconds: { kind: 'integer', min: 5 * 60, max: 30 * DAY, unit: 'seconds' },
  temporaryPasswordTtlSeconds: { kind: 'integer', min: 60 * 60, max: 90 * DAY, unit: 'seconds' },
  forceTemporaryPasswordChange: { kind: 'boolean' },
  passwordMinLength: { kind: 'integer', min: 8, max: 64, unit: 'characters' },
  sendActivationMail: { kind: 'boolean' },
};

export interface TemplateView extends MailTemplate {
  purpose: MailPurpose;
  /** False while the organization uses the default. */
  customized: boolean;
}

export function createSettingsService(deps: { repos: Repos; clock: Clock }) {
  const { repos, clock } = deps;

  return {
    get(orgId: string): Promise<OrganizationSettings> {
      return repos.settings.find(orgId);
    },

    /** Applies a partial change; every problem is reported at once with the field it concerns. */
    async update(orgId: string, patch: unknown, ctx: RequestContext): Promise<OrganizationSettings> {
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
        throw new AppError('request.invalid', 'The body must be a JSON object of settings');
      }
      const problems: string[] = [];
      // The same problems by setting, so a form can show each one on its own field.
      const fields: Record<string, string> = {};
      const problem = (key: string, message: string) => {
        problems.push(message);
        fields[key] = message;
      };
      const changes: Partial<Record<keyof OrganizationSettings, boolean | number>> = {};
      for (const [key, value] of Object.entries(patch)) {
        const rule = SETTING_RULES[key as keyof OrganizationSettings];
        if (!rule) {
          problem(key, `${key} is not a setting (known: ${Object.keys(SETTING_RULES).join(', ')})`);
        } else if (rule.kind === 'boolean') {
          if (typeof value !== 'boolean') problem(key, `${key} must be true or false`);
          else changes[key as keyof OrganizationSettings] = value;
        } else if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > rule.max) {
          problem(key, `${key} must be a whole number from ${rule.min} to ${rule.max}${rule.unit ? ` ${rule.unit}` : ''}`);
        } else {
          changes[key as keyof OrganizationSettings] = value;
        }
      }
      if (problems.length > 0) throw new AppError('request.invalid', problems.join('; '), { details: { problems, fields } });
      return repos.transaction(async (tx) => {
        const before = await tx.settings.find(orgId);
        const after = { ...before, ...changes } as OrganizationSettings;
        const now = clock.now();
        await tx.settings.save(orgId, after, now);
        await tx.audit.record({ ...auditFields(ctx), orgId, occurredAt: now, action: 'organization.settings_updated', targetType: 'organization', targetId: orgId, before, after });
        return after;
      });
    },

    /** Writes settings inside the caller's transaction (the first-run organization's). */
    async writeInitial(tx: Parameters<Parameters<Repos['transaction']>[0]>[0], orgId: string, changes: Partial<OrganizationSettings>): Promise<void> {
      await tx.settings.save(orgId, { ...DEFAULT_SETTINGS, ...changes }, clock.now());
    },

    async getTemplate(orgId: string, purpose: MailPurpose): Promise<TemplateView> {
      const custom = await repos.settings.findTemplate(orgId, purpose);
      const template = custom ?? DEFAULT_TEMPLATES[purpose];
      return { purpose, subject: template.subject, text: template.text, html: template.html, customized: custom !== undefined };
    },

    async putTemplate(orgId: string, purpose: MailPurpose, input: unknown, ctx: RequestContext): Promise<TemplateView> {
      const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const template = validateTemplate({ subject: body.subject, text: body.text, html: body.html });
      await repos.transaction(async (tx) => {
        const now = clock.now();
        await tx.settings.saveTemplate(orgId, { purpose, ...template }, now);
        await tx.audit.record({ ...auditFields(ctx), orgId, occurredAt: now, action: 'mail_template.updated', targetType: 'mail_template', targetId: purpose, after: { subject: template.subject } });
      });
      return { purpose, ...template, customized: true };
    },

    /**
     * A template rendered as a mail would be (values escaped into the HTML just the same): the
     * draft given, checked like one being saved, or else the one in use. Nothing is stored.
     */
    async previewTemplate(orgId: string, purpose: MailPurpose, draft: unknown, values: TemplateValues): Promise<RenderedMail> {
      const body = typeof draft === 'object' && draft !== null ? (draft as Record<string, unknown>) : undefined;
      const template = body ? validateTemplate({ subject: body.subject, text: body.text, html: body.html }) : ((await repos.settings.findTemplate(orgId, purpose)) ?? DEFAULT_TEMPLATES[purpose]);
      return renderTemplate(template, values);
    },

    async resetTemplate(orgId: string, purpose: MailPurpose, ctx: RequestContext): Promise<TemplateView> {
      await repos.transaction(async (tx) => {
        if (await tx.settings.deleteTemplate(orgId, purpose)) {
          await tx.audit.record({ ...auditFields(ctx), orgId, occurredAt: clock.now(), action: 'mail_template.reset', targetType: 'mail_template', targetId: purpose });
        }
      });
      return { purpose, ...DEFAULT_TEMPLATES[purpose], customized: false };
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
