// Query keys and hooks of the settings page, so every part invalidates the same entries.

import { useQuery } from '@tanstack/react-query';
import { settingsApi, type MailPurpose } from '../../../api/settings.ts';

export const settingsKeys = {
  settings: ['settings'] as const,
  template: (purpose: MailPurpose) => ['email-templates', purpose] as const,
  mailStatus: ['mail-status'] as const,
};

export const useSettings = () => useQuery({ queryKey: settingsKeys.settings, queryFn: settingsApi.get });
export const useTemplate = (purpose: MailPurpose) => useQuery({ queryKey: settingsKeys.template(purpose), queryFn: () => settingsApi.template(purpose) });
export const useMailStatus = () => useQuery({ queryKey: settingsKeys.mailStatus, queryFn: settingsApi.mailStatus });
