// The privileged repository: the only code that reads password hashes and client-secret
// hashes. Everything else asks it a yes/no question through a service.

import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import { toBool, toOptionalDate } from '../db/values.ts';
import { APPLICATION_COLUMNS, applicationsFromRows, type Application, type ApplicationRow } from './application-repo.ts';

/**
 * SQL for "this user's password is a temporary one", for a query over `users` that wants the
 * flag in the same round trip (the SCIM list page on PostgreSQL). Only the flag leaves this
 * module; the hash column is never named outside it.
 */
export function temporaryPasswordFlag(): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from password_credentials where password_credentials.user_id = users.id and password_credentials.is_temporary)`;
}

export interface PasswordCredential {
  userId: string;
  passwordHash: string;
  isTemporary: boolean;
  expiresAt: Date | null;
}

export function createCredentialRepo(db: Kysely<Database>) {
  return {
    async setPassword(
      orgId: string,
      userId: string,
      passwordHash: string,
      options: { isTemporary: boolean; expiresAt: Date | null; now: Date },
    ): Promise<void> {
      const values = {
        user_id: userId,
        org_id: orgId,
        password_hash: passwordHash,
        is_temporary: options.isTemporary,
        expires_at: options.expiresAt,
        updated_at: options.now,
      };
      // The conflict update is scoped too: a call through another organization changes nothing.
      await db
        .insertInto('password_credentials')
        .values(values)
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet({
              password_hash: passwordHash,
              is_temporary: options.isTemporary,
              expires_at: options.expiresAt,
              updated_at: options.now,
            })
            .where('password_credentials.org_id', '=', orgId),
        )
        .execute();
    },

    /**
     * Replaces the hash only while the row still holds `verifiedHash` (the one a sign-in just
     * verified), keeping the temporary flag and expiry: the upgrade of an imported or weaker hash
     * to the server's argon2id. One conditional UPDATE, so a password changed between the check
     * and this write (a reset, an administrator, another sign-in's upgrade) is never overwritten.
     * Answers whether this call replaced it.
     */
    async upgradePasswordHash(orgId: string, userId: string, verifiedHash: string, upgradedHash: string, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('password_credentials')
        .set({ password_hash: upgradedHash, updated_at: now })
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .where('password_hash', '=', verifiedHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async findPassword(orgId: string, userId: string): Promise<PasswordCredential | undefined> {
      const row = await db
        .selectFrom('password_credentials')
        .select(['user_id', 'password_hash', 'is_temporary', 'expires_at'])
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return (
        row && {
          userId: row.user_id,
          passwordHash: row.password_hash,
          isTemporary: toBool(row.is_temporary),
          expiresAt: toOptionalDate(row.expires_at),
        }
      );
    },

    /**
     * Which of these users hold a temporary password (set by an administrator, to be changed at
     * the first sign-in): one query for a whole page of users, answering flags, never hashes.
     */
    async usersWithTemporaryPassword(orgId: string, userIds: string[]): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('password_credentials')
        .select('user_id')
        .where('org_id', '=', orgId)
        .where('user_id', 'in', userIds)
        .where('is_temporary', '=', true)
        .execute();
      return new Set(rows.map((row) => row.user_id));
    },

    async removePassword(orgId: string, userId: string): Promise<void> {
      await db.deleteFrom('password_credentials').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
    },

    /** An application with its secret's hash, in one query: what client authentication needs. */
    async findClientForAuthentication(orgId: string, clientId: string): Promise<{ application: Application; clientSecretHash: string | null } | undefined> {
      const row = await db
        .selectFrom('applications')
        .select([...APPLICATION_COLUMNS, 'client_secret_hash'])
        .select((eb) => eb('client_secret_hash', 'is not', null).as('has_secret'))
        .where('org_id', '=', orgId)
        .where('id', '=', clientId)
        .executeTakeFirst();
      if (!row) return undefined;
      const [application] = await applicationsFromRows(db, [row as ApplicationRow]);
      return { application, clientSecretHash: row.client_secret_hash };
    },
  };
}

export type CredentialRepo = ReturnType<typeof createCredentialRepo>;
