// How the Edit user page words a user's state, dates and name. The state's label, colour and
// meaning are the Users list's (../user-state.ts), so both pages say the same.

import { WSO2_SCHEMA, type AccountState, type ScimUser } from '../../../../api/scim.ts';
import { personName, USER_STATES, userState } from '../user-state.ts';

export { UserStateBadge as StateBadge } from '../UserStateBadge.tsx';

export function accountState(user: ScimUser): AccountState {
  return user[WSO2_SCHEMA]?.accountState ?? (user.active ? 'ACTIVE' : 'DISABLED');
}

export function stateMeaning(user: ScimUser): string {
  return USER_STATES[userState(user)].meaning;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

/** The person's name, or their email when they have none. */
export function fullName(user: ScimUser): string {
  return personName(user) || user.userName;
}
