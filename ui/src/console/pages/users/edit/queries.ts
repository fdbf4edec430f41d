// The queries and mutations of the Edit user page. Keys start with 'users' and 'groups' so that a
// change here also refreshes the Users and Groups lists other pages keep.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { config } from '../../../../config.ts';
import { apiRequest } from '../../../../api/http.ts';
import { groups, scimString, users, WSO2_SCHEMA, type PatchOperation, type ScimUser } from '../../../../api/scim.ts';

export const userKey = (id: string) => ['users', 'detail', id] as const;
const mailsKey = (id: string) => ['users', 'detail', id, 'mails'] as const;

export function useUser(id: string) {
  return useQuery({ queryKey: userKey(id), queryFn: () => users.get(id) });
}

/** Saves the answer of a user PATCH as the user, then refreshes whatever lists show users. */
function useUserSaved(id: string) {
  const queryClient = useQueryClient();
  return (user: ScimUser) => {
    queryClient.setQueryData(userKey(id), user);
    void queryClient.invalidateQueries({ queryKey: ['users'], predicate: (query) => query.queryKey[2] !== id });
  };
}

/** A PATCH guarded by the version the person saw: a 412 means someone else changed the user. */
export function usePatchUser(id: string) {
  const saved = useUserSaved(id);
  return useMutation({
    mutationFn: ({ operations, version }: { operations: PatchOperation[]; version: string }) => users.patch(id, operations, version),
    onSuccess: saved,
  });
}

export function useSetLocked(id: string) {
  const saved = useUserSaved(id);
  return useMutation({
    mutationFn: (locked: boolean) => users.patch(id, [{ op: 'replace', path: `${WSO2_SCHEMA}:accountLocked`, value: locked }]),
    onSuccess: saved,
  });
}

// --- groups ------------------------------------------------------------------------------------

/** Groups whose name contains `search`: names only, members are not needed here. */
export function useGroupSearch(search: string, enabled: boolean) {
  const text = search.trim();
  return useQuery({
    queryKey: ['groups', 'search', text],
    queryFn: () =>
      groups.list({ filter: text ? `displayName co ${scimString(text)}` : undefined, sortBy: 'displayName', count: 25, excludedAttributes: 'members' }),
    enabled,
    placeholderData: (previous) => previous,
  });
}

/**
 * Membership lives on the Group (User.groups is read-only in SCIM): each change is a PATCH of a
 * group, adding or removing this one member without rewriting the others.
 */
export function useMembership(userId: string) {
  const queryClient = useQueryClient();
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: userKey(userId) }), queryClient.invalidateQueries({ queryKey: ['groups'] })]);
  const assign = useMutation({
    mutationFn: async (groupIds: string[]) => {
      for (const groupId of groupIds) await groups.patch(groupId, [{ op: 'add', path: 'members', value: [{ value: userId }] }]);
    },
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (groupId: string) => groups.patch(groupId, [{ op: 'remove', path: `members[value eq ${scimString(userId)}]` }]),
    onSettled: refresh,
  });
  return { assign, remove };
}

// --- invitation (management API) ---------------------------------------------------------------

export type MailStatus = 'pending' | 'sent' | 'failed';

export interface OutboxMail {
  id: string;
  purpose: string;
  recipient: string;
  subject: string;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface InvitationAnswer {
  userId: string;
  delivery: 'email' | 'link';
  expiresAt: string;
  link?: string;
  mailId?: string;
}

const INVITATION_PURPOSES = new Set(['invitation', 'invitation_resend']);
const server = `${config.apiBase}/server/v1`;

/** The user's invitation mails, newest first; polled while one is still waiting to go out. */
export function useInvitationMails(userId: string, enabled: boolean) {
  return useQuery({
    queryKey: mailsKey(userId),
    queryFn: async () => {
      const { mails } = await apiRequest<{ mails: OutboxMail[] }>(`${server}/mails?userId=${encodeURIComponent(userId)}&limit=50`);
      return mails.filter((mail) => INVITATION_PURPOSES.has(mail.purpose));
    },
    enabled,
    refetchInterval: (query) => (query.state.data?.some((mail) => mail.status === 'pending') ? 2_000 : false),
  });
}

export function useResendInvitation(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (delivery: 'email' | 'link') =>
      apiRequest<InvitationAnswer>(`${server}/users/${encodeURIComponent(userId)}/invitation`, { method: 'POST', body: { delivery } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mailsKey(userId) }),
  });
}
