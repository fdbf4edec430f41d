// How the Edit user page words a user's state and dates.

import { Badge } from '@mantine/core';
import { WSO2_SCHEMA, type AccountState, type ScimUser } from '../../../../api/scim.ts';

export function accountState(user: ScimUser): AccountState {
  return user[WSO2_SCHEMA]?.accountState ?? (user.active ? 'ACTIVE' : 'DISABLED');
}

const STATES: Record<AccountState, { label: string; color: string; meaning: string }> = {
  PENDING: { label: 'Pending invitation', color: 'yellow', meaning: 'Invited; has not set a password yet.' },
  ACTIVE: { label: 'Active', color: 'green', meaning: 'Can sign in.' },
  LOCKED: { label: 'Locked', color: 'red', meaning: 'Cannot sign in until an administrator unlocks the account.' },
  DISABLED: { label: 'Disabled', color: 'gray', meaning: 'Cannot sign in: the account is deactivated.' },
};

export function stateMeaning(state: AccountState): string {
  return STATES[state].meaning;
}

export function StateBadge({ user }: { user: ScimUser }) {
  const state = STATES[accountState(user)];
  return (
    <Badge color={state.color} variant="light">
      {state.label}
    </Badge>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

export function fullName(user: ScimUser): string {
  const parts = [user.name?.givenName, user.name?.familyName].filter((part): part is string => Boolean(part?.trim()));
  return parts.length ? parts.join(' ') : user.displayName || user.userName;
}
