// The Edit user page's calls for helping a stuck user (management API, /server/v1/users/{id}/...):
// the failed-sign-in lockout, the user's sessions, and a password-reset mail. Keys start with
// the user's detail key, so they are refreshed along with the user.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { config } from '../../../../config.ts';
import { apiRequest } from '../../../../api/http.ts';
import type { MySession } from '../../../../api/my-account.ts';
import { userKey } from './queries.ts';

export interface SignInLockout {
  locked: boolean;
  lockedUntil: string | null;
  /** Refused from every address. */
  account: { until: string } | null;
  /** Refused from these addresses only. */
  addresses: Array<{ address: string; until: string }>;
  accountFailures: number;
}

/** A user's session as an administrator sees it: My Account's own, without "this one". */
export type UserSession = Omit<MySession, 'current'>;

const userBase = (id: string) => `${config.apiBase}/server/v1/users/${encodeURIComponent(id)}`;
const lockoutKey = (id: string) => [...userKey(id), 'sign-in-lockout'] as const;
const sessionsKey = (id: string) => [...userKey(id), 'sessions'] as const;

export function useSignInLockout(userId: string) {
  return useQuery({ queryKey: lockoutKey(userId), queryFn: () => apiRequest<SignInLockout>(`${userBase(userId)}/sign-in-lockout`) });
}

export function useClearLockout(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest<SignInLockout>(`${userBase(userId)}/sign-in-lockout`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: lockoutKey(userId) }),
  });
}

export function useUserSessions(userId: string) {
  return useQuery({
    queryKey: sessionsKey(userId),
    queryFn: async () => (await apiRequest<{ sessions: UserSession[] }>(`${userBase(userId)}/sessions`)).sessions,
  });
}

export function useEndSessions(userId: string) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: sessionsKey(userId) });
  const endOne = useMutation({
    mutationFn: (sessionId: string) => apiRequest<void>(`${userBase(userId)}/sessions/${encodeURIComponent(sessionId)}`, { method: 'DELETE' }),
    onSettled: refresh,
  });
  const endAll = useMutation({
    mutationFn: () => apiRequest<{ ended: number }>(`${userBase(userId)}/sessions`, { method: 'DELETE' }),
    onSettled: refresh,
  });
  return { endOne, endAll };
}

export function useSendPasswordReset(userId: string) {
  return useMutation({ mutationFn: () => apiRequest<{ mailId: string }>(`${userBase(userId)}/password-reset`, { method: 'POST' }) });
}
