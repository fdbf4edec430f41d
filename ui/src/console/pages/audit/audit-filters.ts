// The audit log's filter form and its translation into the API's filters: dates picked in the
// person's time zone become instants, and "until" a day includes that whole day.

import type { AuditFilters } from '../../../api/audit.ts';

export interface FilterForm {
  action: string;
  actorId: string;
  targetId: string;
  /** yyyy-mm-dd from a date input, or empty. */
  fromDate: string;
  untilDate: string;
}

export const EMPTY_FILTERS: FilterForm = { action: '', actorId: '', targetId: '', fromDate: '', untilDate: '' };

/** Actions worth offering in the action filter; any other text is accepted too. */
export const COMMON_ACTIONS = [
  'user.*',
  'user.created',
  'user.invited',
  'user.updated',
  'user.deleted',
  'group.*',
  'application.*',
  'organization.settings_updated',
  'mail_template.*',
  'sign_in.*',
  'session.revoked',
];

function localMidnight(date: string, plusDays = 0): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

export function toApiFilters(form: FilterForm): AuditFilters {
  return {
    action: form.action.trim() || undefined,
    actorId: form.actorId.trim() || undefined,
    targetId: form.targetId.trim() || undefined,
    from: form.fromDate ? localMidnight(form.fromDate) : undefined,
    // The API's `to` is exclusive: the next day's midnight keeps the chosen day in.
    to: form.untilDate ? localMidnight(form.untilDate, 1) : undefined,
  };
}

export function validateFilters(form: FilterForm): Partial<Record<keyof FilterForm, string>> {
  if (form.fromDate && form.untilDate && form.untilDate < form.fromDate) return { untilDate: 'Choose a day on or after the “From” day.' };
  return {};
}
