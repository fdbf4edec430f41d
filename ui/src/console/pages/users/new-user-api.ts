// The calls behind New User > Customer. Each way of onboarding is ONE request that creates the
// customer and their group memberships together (all or nothing):
// - an invitation: the management API's POST /server/v1/invitations (mailed; the answer also
//   carries the mailed link for the administrator to copy);
// - a temporary password: SCIM POST /Users with `password` and `groups`.
// Both carry the wizard run's Idempotency-Key: a repeated Finish (or a retry after a lost answer)
// gets the first answer again instead of a second customer or a 409.

import { useQuery } from '@tanstack/react-query';
import { config } from '../../../config.ts';
import { apiRequest } from '../../../api/http.ts';
import { idempotencyHeader } from '../../../api/idempotency-key.ts';
import { groups, scimString, users, USER_SCHEMA, type ScimUser } from '../../../api/scim.ts';

export interface NewCustomer {
  email: string;
  givenName: string;
  familyName: string;
  method: 'invite' | 'temporary';
  password: string;
  groupIds: string[];
}

export interface InvitationAnswer {
  userId: string;
  userName: string;
  delivery: 'email' | 'link';
  expiresAt: string;
  link?: string;
  mailId?: string;
}

export type OnboardingResult = { kind: 'invited'; invitation: InvitationAnswer } | { kind: 'temporary'; user: ScimUser };

const server = `${config.apiBase}/server/v1`;

export async function createCustomer(customer: NewCustomer, idempotencyKey: string): Promise<OnboardingResult> {
  const givenName = customer.givenName.trim() || undefined;
  const familyName = customer.familyName.trim() || undefined;
  if (customer.method === 'invite') {
    const invitation = await apiRequest<InvitationAnswer>(`${server}/invitations`, {
      method: 'POST',
      body: { email: customer.email.trim(), givenName, familyName, groups: customer.groupIds, delivery: 'email' },
      headers: idempotencyHeader(idempotencyKey),
    });
    return { kind: 'invited', invitation };
  }
  const user = await users.create({
    schemas: [USER_SCHEMA],
    userName: customer.email.trim(),
    name: { givenName, familyName },
    password: customer.password,
    groups: customer.groupIds.map((value) => ({ value })),
  }, idempotencyKey);
  return { kind: 'temporary', user };
}

/** Whether a user (customer or administrator) already has this email as their username. */
export async function emailTaken(email: string): Promise<boolean> {
  const list = await users.list({ filter: `userName eq ${scimString(email.trim().toLowerCase())}`, count: 1, attributes: 'userName' });
  return list.totalResults > 0;
}

export interface PasswordCheck {
  acceptable: boolean;
  /** Every rule the password breaks, in the server's words for people. */
  problems: string[];
}

/** The organization's password policy asked about a password (the create checks again). */
export function checkPassword(password: string, userName: string): Promise<PasswordCheck> {
  return apiRequest<PasswordCheck>(`${server}/password-policy/check`, { method: 'POST', body: { password, userName: userName.trim() || undefined } });
}

export interface PasswordRules {
  minLength: number;
  /** Whether the customer must change the password at the first sign-in. */
  mustChange: boolean;
  /** How long the temporary password works, in seconds. */
  validForSeconds: number;
}

/** The organization's password rules, from its settings (defaults if they cannot be read). */
export function usePasswordRules() {
  return useQuery({
    queryKey: ['settings', 'password-rules'],
    queryFn: async (): Promise<PasswordRules> => {
      const settings = await apiRequest<{ passwordMinLength: number; forceTemporaryPasswordChange: boolean; temporaryPasswordTtlSeconds: number }>(
        `${server}/settings`,
      );
      return { minLength: settings.passwordMinLength, mustChange: settings.forceTemporaryPasswordChange, validForSeconds: settings.temporaryPasswordTtlSeconds };
    },
    staleTime: 60_000,
  });
}

/** Whether the organization has any group: the wizard's groups step is shown only then. */
export function useHasGroups() {
  return useQuery({
    queryKey: ['groups', 'any'],
    queryFn: async () => (await groups.list({ count: 1, attributes: 'displayName' })).totalResults > 0,
  });
}

export function useGroupChoices(search: string) {
  const text = search.trim();
  return useQuery({
    queryKey: ['groups', 'choices', text],
    queryFn: () =>
      groups.list({ filter: text ? `displayName co ${scimString(text)}` : undefined, sortBy: 'displayName', count: 50, excludedAttributes: 'members' }),
    placeholderData: (previous) => previous,
  });
}
