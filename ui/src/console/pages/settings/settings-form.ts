// The settings form's values as people edit them (hours, days, text in number fields) and their
// conversion to and from the API's settings, with the checks the server makes, in words.

import type { OrganizationSettings } from '../../../api/settings.ts';

const HOUR = 3600;
const DAY = 24 * HOUR;

export interface SettingsFormValues {
  selfRegistrationEnabled: boolean;
  selfRegistrationActivateImmediately: boolean;
  sendActivationMail: boolean;
  invitationTtlHours: number | string;
  forceTemporaryPasswordChange: boolean;
  temporaryPasswordTtlDays: number | string;
  passwordMinLength: number | string;
}

export type FormField = keyof SettingsFormValues;

/** Which form field shows the server's problem with a setting. */
export const FIELD_OF_SETTING: Record<keyof OrganizationSettings, FormField> = {
  selfRegistrationEnabled: 'selfRegistrationEnabled',
  selfRegistrationActivateImmediately: 'selfRegistrationActivateImmediately',
  sendActivationMail: 'sendActivationMail',
  invitationTtlSeconds: 'invitationTtlHours',
  forceTemporaryPasswordChange: 'forceTemporaryPasswordChange',
  temporaryPasswordTtlSeconds: 'temporaryPasswordTtlDays',
  passwordMinLength: 'passwordMinLength',
};

// Ranges the server accepts, in the form's units (src/services/settings-service.ts).
export const LIMITS = {
  invitationTtlHours: { min: 1, max: 720, words: 'a whole number of hours from 1 to 720 (30 days)' },
  temporaryPasswordTtlDays: { min: 1, max: 90, words: 'a whole number of days from 1 to 90' },
  passwordMinLength: { min: 8, max: 64, words: 'a whole number of characters from 8 to 64' },
} as const;

export function toForm(settings: OrganizationSettings): SettingsFormValues {
  return {
    selfRegistrationEnabled: settings.selfRegistrationEnabled,
    selfRegistrationActivateImmediately: settings.selfRegistrationActivateImmediately,
    sendActivationMail: settings.sendActivationMail,
    // Shown rounded: a value set through the API in other units is only changed if edited.
    invitationTtlHours: Math.max(1, Math.round(settings.invitationTtlSeconds / HOUR)),
    forceTemporaryPasswordChange: settings.forceTemporaryPasswordChange,
    temporaryPasswordTtlDays: Math.max(1, Math.round(settings.temporaryPasswordTtlSeconds / DAY)),
    passwordMinLength: settings.passwordMinLength,
  };
}

function wholeNumber(value: number | string): number | undefined {
  const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  return Number.isInteger(n) ? n : undefined;
}

/** Problems in words, by field; empty when the form can be saved. */
export function validate(values: SettingsFormValues): Partial<Record<FormField, string>> {
  const errors: Partial<Record<FormField, string>> = {};
  for (const field of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
    const n = wholeNumber(values[field]);
    const { min, max, words } = LIMITS[field];
    if (n === undefined || n < min || n > max) errors[field] = `Enter ${words}.`;
  }
  return errors;
}

/** Only what changed, so a value set in other units through the API is left as it is. */
export function changes(before: SettingsFormValues, after: SettingsFormValues): Partial<OrganizationSettings> {
  const patch: Partial<OrganizationSettings> = {};
  const flags = ['selfRegistrationEnabled', 'selfRegistrationActivateImmediately', 'sendActivationMail', 'forceTemporaryPasswordChange'] as const;
  for (const flag of flags) if (before[flag] !== after[flag]) patch[flag] = after[flag];
  if (String(before.invitationTtlHours) !== String(after.invitationTtlHours)) patch.invitationTtlSeconds = Number(after.invitationTtlHours) * HOUR;
  if (String(before.temporaryPasswordTtlDays) !== String(after.temporaryPasswordTtlDays)) patch.temporaryPasswordTtlSeconds = Number(after.temporaryPasswordTtlDays) * DAY;
  if (String(before.passwordMinLength) !== String(after.passwordMinLength)) patch.passwordMinLength = Number(after.passwordMinLength);
  return patch;
}
