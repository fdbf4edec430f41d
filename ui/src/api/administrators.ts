// The organization's owner and administrators (src/routes/api/administrators.ts). Anyone in the
// Console may list them; only the owner, signed in as themselves, invites and removes them.

import { config } from '../config.ts';
import { apiRequest } from './http.ts';

export interface Administrator {
  id: string;
  email: string;
  givenName: string | null;
  familyName: string | null;
  role: 'owner' | 'admin';
  accountState: 'pending' | 'active' | 'locked' | 'disabled';
  createdAt: string;
}

export interface AdministratorInvitation {
  email: string;
  givenName?: string;
  familyName?: string;
  /** email: the invitation is mailed; link: the answer carries the link to pass on. */
  delivery: 'email' | 'link';
}

const base = `${config.apiBase}/server/v1/administrators`;

export const administratorsApi = {
  list: async () => (await apiRequest<{ administrators: Administrator[] }>(base)).administrators,
  invite: (invitation: AdministratorInvitation) => apiRequest<Administrator & { invitationLink?: string }>(base, { method: 'POST', body: invitation }),
  remove: (id: string) => apiRequest<void>(`${base}/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
