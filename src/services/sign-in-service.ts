// Checks an email and password for the hosted sign-in page. Whatever the outcome, the same
// argon2id work is done, so an unknown email and a wrong password take the same time; and
// both get the same answer.

import type { Repos } from '../repos/index.ts';
import type { User } from '../repos/user-repo.ts';
import type { PasswordHasher } from '../security/password-hasher.ts';
import type { Clock } from '../lib/clock.ts';
import { canonicalEmail } from '../lib/email.ts';
import { randomToken } from '../security/tokens.ts';
import { auditFields, type RequestContext } from './request-context.ts';

export type SignInResult =
  | { outcome: 'success'; user: User }
  /** Unknown email, wrong password, or no password set: indistinguishable by design. */
  | { outcome: 'invalid_credentials' }
  /** The password was right but the account may not sign in (pending, locked, disabled). */
  | { outcome: 'account_unavailable'; state: User['accountState'] };

export function createSignInService(deps: { repos: Repos; hasher: PasswordHasher; clock: Clock }) {
  const { repos, hasher, clock } = deps;
  // A real hash of a password nobody knows: verified against when there is nothing else to
  // verify, so the unknown-email path costs what the wrong-password path costs.
  let decoyHash: Promise<string> | undefined;
  const decoy = () => (decoyHash ??= hasher.hash(randomToken(16)));

  return {
    async authenticate(orgId: string, email: string, password: string, ctx: RequestContext): Promise<SignInResult> {
      const user = await repos.users.findByUserName(orgId, canonicalEmail(email));
      const credential = user && (await repos.credentials.findPassword(orgId, user.id));
      const passwordMatches = await hasher.verify(credential?.passwordHash ?? (await decoy()), password);
      const now = clock.now();

      if (!user || !credential || !passwordMatches) {
        await repos.audit.record({
          ...auditFields(ctx),
          orgId,
          occurredAt: now,
          action: 'sign_in.failed',
          targetType: user ? 'user' : null,
          targetId: user?.id ?? null,
        });
        return { outcome: 'invalid_credentials' };
      }
      if (user.accountState !== 'active') {
        await repos.audit.record({
          ...auditFields(ctx),
          orgId,
          occurredAt: now,
          action: 'sign_in.refused',
          targetType: 'user',
          targetId: user.id,
          after: { accountState: user.accountState },
        });
        return { outcome: 'account_unavailable', state: user.accountState };
      }
      if (hasher.needsRehash(credential.passwordHash)) {
        const upgraded = await hasher.hash(password);
        await repos.credentials.setPassword(orgId, user.id, upgraded, { isTemporary: credential.isTemporary, expiresAt: credential.expiresAt, now });
      }
      await repos.audit.record({ ...auditFields({ ...ctx, actor: { type: 'user', id: user.id } }), orgId, occurredAt: now, action: 'sign_in.succeeded', targetType: 'user', targetId: user.id });
      return { outcome: 'success', user };
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
