// Who may act on whose account: the one place that decides it (docs/security.md section 1).
// The scopes of a token say which operations a caller may use at all; this says on which
// accounts. Customers are anyone's to manage (with the scope). Administrators, the owner among
// them, are the owner's alone: another administrator holding every scope, or an application
// with client credentials, must not be able to take over the account that holds the keys to
// the organization. Oneself is managed through /Me, which asks for the current password.

import type { RepoSet } from '../repos/index.ts';
import type { User } from '../repos/user-repo.ts';
import { AppError } from '../errors.ts';
import type { RequestContext } from './request-context.ts';

/** What a caller does to an account; named in the refusal and in the rule table. */
export type AccountAction = 'create' | 'change' | 'delete' | 're-invite' | 'clear-lockout' | 'end-sessions' | 'send-password-reset';

type Target = Pick<User, 'id' | 'userType' | 'adminRole'>;

export const PRIVILEGE_RULES = {
  ownerOnly: "Only the organization's owner may change the owner's account",
  administratorsByOwner: "Only the organization's owner may create, change, disable, delete or re-invite administrators",
  noApplications: 'Applications (client credentials) may not act on administrator accounts; use the owner\'s sign-in',
} as const;

function refuse(rule: keyof typeof PRIVILEGE_RULES, action: AccountAction): AppError {
  return new AppError('auth.forbidden', PRIVILEGE_RULES[rule], { details: { rule, action } });
}

/**
 * Throws 403 naming the rule unless the caller may perform `action` on `target`. Called inside
 * the transaction that writes, so a refusal writes nothing.
 */
export async function assertMayActOnAccount(reader: RepoSet, orgId: string, ctx: RequestContext, target: Target, action: AccountAction): Promise<void> {
  if (target.userType !== 'administrator') return;
  const { actor } = ctx;
  // The command line runs with the machine's own authority (it could edit the database).
  if (actor.type === 'system') return;
  if (actor.type === 'user' && actor.id === target.id && ctx.selfService) return;
  if (actor.type === 'application') throw refuse('noApplications', action);
  if (actor.type === 'user' && actor.id) {
    const acting = await reader.users.findById(orgId, actor.id);
    if (acting?.adminRole === 'owner' && acting.accountState === 'active') return;
  }
  throw refuse(target.adminRole === 'owner' ? 'ownerOnly' : 'administratorsByOwner', action);
}
