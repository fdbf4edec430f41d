// The New Customer wizard's unfinished work, kept in sessionStorage so that a reload or browser
// Back and Forward bring it back (issue 14 item 2). Scoped per organization (the Console of every
// organization shares this origin) and per administrator. The temporary password is NEVER written: session storage is
// readable by any script on the page and outlives the form; only the fact that one was typed is
// kept, so the wizard can ask for it again. The run's Idempotency-Key is kept too: a reload after
// a Finish whose answer was lost then replays that Finish instead of creating a second customer.

import { config } from '../../../config.ts';
import { signedInUser } from '../../../auth/oidc.ts';
import type { ChosenGroup } from './GroupsStep.tsx';
import type { NewCustomer } from './new-user-api.ts';

export interface WizardDraft {
  step: 'details' | 'groups';
  values: Omit<NewCustomer, 'password'>;
  chosenGroups: ChosenGroup[];
  idempotencyKey: string;
  /** A temporary password had been typed; it was not kept. */
  passwordDropped: boolean;
}

/**
 * Per organization and per administrator: another administrator signing in in the same tab
 * must not find the first one's unfinished customer.
 */
function storageKey(): string {
  return `tessera.console.new-customer.${config.org}.${signedInUser()?.sub ?? 'nobody'}`;
}

export function readDraft(): WizardDraft | null {
  try {
    const stored = sessionStorage.getItem(storageKey());
    if (!stored) return null;
    const draft = JSON.parse(stored) as Partial<WizardDraft>;
    // Anything else is from another version of the Console or was tampered with: start afresh.
    if ((draft.step !== 'details' && draft.step !== 'groups') || typeof draft.idempotencyKey !== 'string' || !draft.values || !Array.isArray(draft.chosenGroups)) {
      return null;
    }
    const { email = '', givenName = '', familyName = '', method = 'invite' } = draft.values;
    return {
      step: draft.step,
      values: { email: String(email), givenName: String(givenName), familyName: String(familyName), method: method === 'temporary' ? 'temporary' : 'invite', groupIds: [] },
      chosenGroups: draft.chosenGroups.filter((group) => typeof group?.id === 'string').map((group) => ({ id: group.id, name: String(group.name ?? group.id) })),
      idempotencyKey: draft.idempotencyKey,
      passwordDropped: draft.passwordDropped === true,
    };
  } catch {
    // Storage disabled or full, or unreadable JSON: the wizard works without a draft.
    return null;
  }
}

export function saveDraft(step: WizardDraft['step'], values: NewCustomer, chosenGroups: ChosenGroup[], idempotencyKey: string, passwordDropped: boolean): void {
  const { password, ...kept } = values;
  const draft: WizardDraft = { step, values: kept, chosenGroups, idempotencyKey, passwordDropped: passwordDropped || password !== '' };
  try {
    sessionStorage.setItem(storageKey(), JSON.stringify(draft));
  } catch {
    // A full or disabled storage only costs the restore.
  }
}

export function clearDraft(): void {
  try {
    sessionStorage.removeItem(storageKey());
  } catch {
    // Nothing was kept then either.
  }
}

/** Whether the administrator has typed or chosen anything worth a warning and a draft. */
export function hasInput(values: NewCustomer, chosenGroups: ChosenGroup[]): boolean {
  return Boolean(values.email.trim() || values.givenName.trim() || values.familyName.trim() || values.password || values.method !== 'invite' || chosenGroups.length > 0);
}
