import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../db/schema.ts';
import { toBool, toDate } from '../db/values.ts';
import { translateConstraintError } from '../db/constraint-errors.ts';

export type UserType = UsersTable['user_type'];
export type AdminRole = NonNullable<UsersTable['admin_role']>;
export type AccountState = UsersTable['account_state'];

export interface User {
  id: string;
  orgId: string;
  /** Canonical email. */
  userName: string;
  givenName: string | null;
  familyName: string | null;
  userType: UserType;
  adminRole: AdminRole | null;
  accountState: AccountState;
  emailVerified: boolean;
  createdAt: Date;
  modifiedAt: Date;
  version: number;
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    orgId: row.org_id,
    userName: row.user_name,
    givenName: row.given_name,
    familyName: row.family_name,
    userType: row.user_type,
    adminRole: row.admin_role,
    accountState: row.account_state,
    emailVerified: toBool(row.email_verified),
    createdAt: toDate(row.created_at),
    modifiedAt: toDate(row.modified_at),
    version: row.version,
  };
}

export type UserChanges = Partial<Pick<User, 'givenName' | 'familyName' | 'accountState' | 'emailVerified' | 'adminRole'>>;

export function createUserRepo(db: Kysely<Database>) {
  return {
    async insert(user: User): Promise<void> {
      await db
        .insertInto('users')
        .values({
          id: user.id,
          org_id: user.orgId,
          user_name: user.userName,
          given_name: user.givenName,
          family_name: user.familyName,
          user_type: user.userType,
          admin_role: user.adminRole,
          account_state: user.accountState,
          email_verified: user.emailVerified,
          created_at: user.createdAt,
          modified_at: user.modifiedAt,
          version: user.version,
        })
        .execute()
        .catch(translateConstraintError);
    },

    async findById(orgId: string, id: string): Promise<User | undefined> {
      const row = await db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },

    async findByUserName(orgId: string, userName: string): Promise<User | undefined> {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('user_name', '=', userName)
        .executeTakeFirst();
      return row && toUser(row);
    },

    /**
     * Applies changes only if the stored version is `expectedVersion`, bumping it; returns the
     * updated user, or undefined when someone else changed it first (optimistic concurrency).
     */
    async update(orgId: string, id: string, expectedVersion: number, changes: UserChanges, now: Date): Promise<User | undefined> {
      const row = await db
        .updateTable('users')
        .set({
          ...(changes.givenName !== undefined && { given_name: changes.givenName }),
          ...(changes.familyName !== undefined && { family_name: changes.familyName }),
          ...(changes.accountState !== undefined && { account_state: changes.accountState }),
          ...(changes.emailVerified !== undefined && { email_verified: changes.emailVerified }),
          ...(changes.adminRole !== undefined && { admin_role: changes.adminRole }),
          modified_at: now,
          version: expectedVersion + 1,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .returningAll()
        .executeTakeFirst();
      return row && toUser(row);
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('users').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type UserRepo = ReturnType<typeof createUserRepo>;
