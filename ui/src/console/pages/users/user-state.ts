// The state a customer's account is in, as the Users list shows it at a glance and filters by.
// SCIM tells the account state (PENDING, ACTIVE, LOCKED, DISABLED) and, in the WSO2 extension,
// whether the password is a temporary one an administrator set: an active account with a
// temporary password has not signed in for itself yet, so it gets a state of its own.

import { WSO2_SCHEMA, type ScimUser } from '../../../api/scim.ts';

export type UserState = 'pending' | 'temporary' | 'active' | 'locked' | 'disabled';

interface StateInfo {
  label: string;
  color: string;
  /** One sentence for a tooltip or a screen reader. */
  meaning: string;
  /** The SCIM filter that selects users in this state. */
  filter: string;
}

const ACCOUNT_STATE = `${WSO2_SCHEMA}:accountState`;
const TEMPORARY = `${WSO2_SCHEMA}:temporaryPassword`;

export const USER_STATES: Record<UserState, StateInfo> = {
  pending: {
    label: 'Pending invitation',
    color: 'yellow',
    meaning: 'Invited (or registered) and has not set a password yet.',
    filter: `${ACCOUNT_STATE} eq "PENDING"`,
  },
  temporary: {
    label: 'Temporary password',
    color: 'orange',
    meaning: 'Has the temporary password an administrator set, and must change it at the first sign-in.',
    filter: `${ACCOUNT_STATE} eq "ACTIVE" and ${TEMPORARY} eq true`,
  },
  active: {
    label: 'Active',
    color: 'green',
    meaning: 'Can sign in with their own password.',
    filter: `${ACCOUNT_STATE} eq "ACTIVE" and ${TEMPORARY} eq false`,
  },
  locked: {
    label: 'Locked',
    color: 'red',
    meaning: 'Cannot sign in until an administrator unlocks the account.',
    filter: `${ACCOUNT_STATE} eq "LOCKED"`,
  },
  disabled: {
    label: 'Disabled',
    color: 'gray',
    meaning: 'Cannot sign in: the account is deactivated.',
    filter: `${ACCOUNT_STATE} eq "DISABLED"`,
  },
};

export const STATE_ORDER: UserState[] = ['pending', 'temporary', 'active', 'locked', 'disabled'];

export function isUserState(value: string | null): value is UserState {
  return value !== null && Object.hasOwn(USER_STATES, value);
}

export function userState(user: ScimUser): UserState {
  const wso2 = user[WSO2_SCHEMA];
  switch (wso2?.accountState ?? (user.active ? 'ACTIVE' : 'DISABLED')) {
    case 'PENDING':
      return 'pending';
    case 'LOCKED':
      return 'locked';
    case 'DISABLED':
      return 'disabled';
    default:
      return wso2?.temporaryPassword ? 'temporary' : 'active';
  }
}

/** The name to show: given and family names, else the display name; empty when there is none. */
export function personName(user: Pick<ScimUser, 'name' | 'displayName'>): string {
  const parts = [user.name?.givenName, user.name?.familyName].filter((part): part is string => Boolean(part?.trim()));
  return parts.length ? parts.join(' ') : (user.displayName ?? '');
}
