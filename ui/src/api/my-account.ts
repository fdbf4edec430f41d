// The calls My Account makes, all with the signed-in customer's own token: SCIM /Me for the
// profile, password and groups, and the management API's /users/v1/me/... for sessions and the
// applications the customer may use. Query keys live here so pages invalidate the right ones.

import { config } from '../config.ts';
import { apiRequest, ApiError } from './http.ts';
import { me, type PatchOperation, type ScimUser } from './scim.ts';

export const myAccountKeys = {
  profile: ['me'] as const,
  sessions: ['me', 'sessions'] as const,
  applications: ['me', 'applications'] as const,
};

export interface ProfileChanges {
  givenName: string;
  familyName: string;
}

/**
 * PATCH operations that set the names. A display name the server only derived from the old
 * names comes back in /Me as if it were stored, and saving it would freeze the old name; so
 * it is removed and the server derives it again from the new names.
 */
export function profileOperations(current: ScimUser, changes: ProfileChanges): PatchOperation[] {
  const operations: PatchOperation[] = [];
  const name = (path: 'givenName' | 'familyName', value: string) => {
    const trimmed = value.trim();
    if (trimmed === (current.name?.[path] ?? '')) return;
    operations.push(trimmed ? { op: 'replace', path: `name.${path}`, value: trimmed } : { op: 'remove', path: `name.${path}` });
  };
  name('givenName', changes.givenName);
  name('familyName', changes.familyName);
  const derived = [current.name?.givenName, current.name?.familyName].filter(Boolean).join(' ');
  if (operations.length > 0 && current.displayName && current.displayName === derived) operations.push({ op: 'remove', path: 'displayName' });
  return operations;
}

export const myProfile = {
  get: () => me.get(),
  update: (current: ScimUser, changes: ProfileChanges) => me.patch(profileOperations(current, changes)),
};

const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Changes the password by proving the current one (SCIM /Me's `currentPassword`). The server
 * then ends every session and token of the user, this app's included.
 */
export function changePassword(currentPassword: string, newPassword: string): Promise<ScimUser> {
  return apiRequest<ScimUser>(`${config.scimBase}/Me`, {
    method: 'PATCH',
    scim: true,
    body: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: newPassword }], currentPassword },
  });
}

/** Which field of the change-password form a refusal belongs to. */
export function passwordErrorField(error: unknown): 'currentPassword' | 'newPassword' | undefined {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  return /current password is incorrect|currentPassword/i.test(error.message) ? 'currentPassword' : 'newPassword';
}

export interface MySession {
  id: string;
  signedInAt: string | null;
  expiresAt: string | null;
  /** The last browser request that carried the session, and from where. */
  lastSeenAt: string | null;
  clientAddress: string | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  applications: Array<{ clientId: string; name: string }>;
  /** The session this app is signed in with. */
  current?: boolean;
}

export interface MyApplication {
  id: string;
  name: string;
  description: string | null;
  /** Where to open it (the origin of its first redirect URI), when known. */
  url: string | null;
}

const api = `${config.apiBase}/users/v1/me`;

export const mySessions = {
  list: async () => (await apiRequest<{ sessions: MySession[] }>(`${api}/sessions`)).sessions,
  signOut: (id: string) => apiRequest<void>(`${api}/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

export const myApplications = {
  list: async () => (await apiRequest<{ applications: MyApplication[] }>(`${api}/applications`)).applications,
};
