import { sql, type Kysely, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Database, UsersTable } from '../db/schema.ts';
import { toBool, toDate } from '../db/values.ts';
import { translateConstraintError } from '../db/constraint-errors.ts';
import { isPostgres } from '../db/dialect.ts';
import { temporaryPasswordFlag } from './credential-repo.ts';
import type { FilterNode } from '../scim/filter/ast.ts';
import { filterToSql } from './scim-filter/to-sql.ts';
import { userFilterSchema } from './scim-filter/targets.ts';

export type UserType = UsersTable['user_type'];
export type AdminRole = NonNullable<UsersTable['admin_role']>;
export type AccountState = UsersTable['account_state'];

export interface UserEmail {
  value: string;
  type: string | null;
  primary: boolean;
}

/** A group as a user's page shows it. */
export interface GroupRef {
  id: string;
  displayName: string;
}

/** A user with what a listing shows beside them, read in the page's own query. */
export interface DetailedUser {
  user: User;
  emails: UserEmail[];
  groups: GroupRef[];
  temporaryPassword: boolean;
}

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
  externalId?: string | null;
  displayName?: string | null;
  /** SCIM enterprise extension attributes. */
  enterprise?: Record<string, unknown> | null;
  /** SCIM core profile attributes besides names, emails and state (nickName, title, phoneNumbers, ...). */
  profile?: Record<string, unknown> | null;
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
    externalId: row.external_id,
    displayName: row.display_name,
    enterprise: row.enterprise_json === null ? null : JSON.parse(row.enterprise_json),
    profile: row.profile_json === null || row.profile_json === undefined ? null : JSON.parse(row.profile_json),
  };
}

export type UserChanges = Partial<
  Pick<User, 'givenName' | 'familyName' | 'accountState' | 'emailVerified' | 'adminRole' | 'externalId' | 'displayName' | 'enterprise' | 'profile'>
>;

/** Columns a list can be ordered by; `id` always breaks ties so keyset paging is exact. */
export type UserSortColumn = 'created_at' | 'modified_at' | 'user_name' | 'family_name' | 'given_name' | 'display_name' | 'external_id' | 'id';

export interface UserListQuery {
  /** A parsed SCIM filter: data, compiled to SQL here (repos/scim-filter). */
  filter?: FilterNode;
  sort: { column: UserSortColumn; direction: 'asc' | 'desc' };
  /** Keyset position: rows strictly after this (sort value, id) in the sort order. */
  after?: { value: string | Date | null; id: string };
  offset?: number;
  limit: number;
}

// Nullable sort columns sort users without a value last when ascending, first when descending
// (RFC 7644 section 3.4.2.3), through a leading "has no value" key, so that keyset comparisons
// never meet a NULL. Strings that are not caseExact sort case-insensitively.
const NULLABLE_SORT_COLUMNS = new Set<UserSortColumn>(['family_name', 'given_name', 'display_name', 'external_id']);
const CASELESS_SORT_COLUMNS = new Set<UserSortColumn>(['family_name', 'given_name', 'display_name']);

/**
 * The sort key of a column as a list of expressions, and the same key for a cursor position
 * (the row's raw column value, or null for none), so that both sides go through the same SQL.
 */
function sortKey(column: UserSortColumn) {
  // displayName sorts as it is shown (and filtered, see repos/scim-filter/targets.ts): the stored one,
  // else the given and family names joined.
  const ref =
    column === 'display_name'
      ? sql`coalesce(users.display_name, nullif(trim(coalesce(users.given_name, '') || ' ' || coalesce(users.family_name, '')), ''))`
      : sql.ref(`users.${column}`);
  if (!NULLABLE_SORT_COLUMNS.has(column)) {
    return { row: [ref], position: (value: string | Date | null) => [sql`${value ?? ''}`] };
  }
  const text = (expression: RawBuilder<unknown>) => (CASELESS_SORT_COLUMNS.has(column) ? sql`lower(${expression})` : expression);
  return {
    row: [sql`(case when ${ref} is null then 1 else 0 end)`, text(sql`coalesce(${ref}, '')`)],
    position: (value: string | Date | null) => [sql`${value === null ? 1 : 0}`, text(sql`cast(${value ?? ''} as text)`)],
  };
}

/** The rows of a user's addresses: userName always primary (typed as the caller typed it), no duplicates. */
function emailRows(orgId: string, user: Pick<User, 'id' | 'userName'>, emails: UserEmail[]) {
  const primaryType = emails.find((e) => e.value === user.userName)?.type ?? 'work';
  return [
    { user_id: user.id, org_id: orgId, value: user.userName, type: primaryType, is_primary: true },
    ...emails
      .filter((e, i, all) => e.value !== user.userName && all.findIndex((x) => x.value === e.value) === i)
      .map((e) => ({ user_id: user.id, org_id: orgId, value: e.value, type: e.type, is_primary: false })),
  ];
}

/** Addresses as listEmails answers them: the primary first, then by value. */
function storedEmails(rows: ReturnType<typeof emailRows>): UserEmail[] {
  const [primary, ...others] = rows.map((row) => ({ value: row.value, type: row.type, primary: row.is_primary }));
  return [primary, ...others.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))];
}

export function createUserRepo(db: Kysely<Database>) {
  // SCIM filters on JSON columns are written differently on the two engines.
  const engine = isPostgres(db) ? 'postgres' : 'sqlite';
  /** The page's own statement: filter, keyset position, order and limit. */
  function pageQuery(orgId: string, query: UserListQuery) {
    const { column, direction } = query.sort;
    const key = sortKey(column);
    let q = db.selectFrom('users').selectAll().where('org_id', '=', orgId);
    if (query.filter) q = q.where(filterToSql(userFilterSchema(engine), query.filter));
    if (query.after) {
      const op = direction === 'asc' ? sql.raw('>') : sql.raw('<');
      const row = sql.join([...key.row, sql.ref('users.id')]);
      const position = sql.join([...key.position(query.after.value), sql`${query.after.id}`]);
      q = q.where(sql<SqlBool>`(${row}) ${op} (${position})`);
    }
    for (const expression of key.row) q = q.orderBy(expression, direction);
    q = q.orderBy('users.id', direction).limit(query.limit);
    if (query.offset) q = q.offset(query.offset);
    return q;
  }

  return {
    /** Inserts the user with their addresses (userName always primary); answers the addresses as stored. */
    async insert(user: User, emails: UserEmail[] = []): Promise<UserEmail[]> {
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
          external_id: user.externalId ?? null,
          display_name: user.displayName ?? null,
          enterprise_json: user.enterprise ? JSON.stringify(user.enterprise) : null,
          profile_json: user.profile ? JSON.stringify(user.profile) : null,
        })
        .execute()
        .catch(translateConstraintError);
      const rows = emailRows(user.orgId, user, emails);
      await db.insertInto('user_emails').values(rows).execute();
      return storedEmails(rows);
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
     * Takes the user's row lock until the transaction ends (a no-op update locks on both
     * engines), so a read-modify-write of one user waits for another instead of failing.
     */
    async lock(orgId: string, id: string): Promise<void> {
      await db
        .updateTable('users')
        .set((eb) => ({ version: eb.ref('version') }))
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
    },

    /** The organization's owner and administrators, owner first. */
    async listAdministrators(orgId: string): Promise<User[]> {
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('user_type', '=', 'administrator')
        .orderBy('admin_role', 'desc')
        .orderBy('user_name')
        .execute();
      return rows.map(toUser);
    },

    /** Users of the organization among `ids` (others' ids are silently absent). */
    async findManyByIds(orgId: string, ids: string[]): Promise<User[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).execute();
      return rows.map(toUser);
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
          ...(changes.externalId !== undefined && { external_id: changes.externalId }),
          ...(changes.displayName !== undefined && { display_name: changes.displayName }),
          ...(changes.enterprise !== undefined && { enterprise_json: changes.enterprise ? JSON.stringify(changes.enterprise) : null }),
          ...(changes.profile !== undefined && { profile_json: changes.profile ? JSON.stringify(changes.profile) : null }),
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

    /** Deletes the user (only at `expectedVersion` when given); false when no row was deleted. */
    async delete(orgId: string, id: string, expectedVersion?: number): Promise<boolean> {
      let q = db.deleteFrom('users').where('org_id', '=', orgId).where('id', '=', id);
      if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
      const result = await q.executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async list(orgId: string, query: UserListQuery): Promise<User[]> {
      const rows = await pageQuery(orgId, query).execute();
      return rows.map(toUser);
    },

    /**
     * Only on PostgreSQL (see `listsWithDetails`): a page of users with their addresses, groups
     * and temporary-password flags in one statement, so a listing costs one round trip, not
     * two. PostgreSQL computes the per-row subqueries above the sort, for the page's rows only,
     * but also for rows an OFFSET skips: callers use it for keyset pages, not offset ones.
     */
    async listWithDetails(orgId: string, query: UserListQuery): Promise<DetailedUser[]> {
      const rows = await pageQuery(orgId, query)
        .select([
          sql<UserEmail[]>`(select coalesce(json_agg(json_build_object('value', e.value, 'type', e.type, 'primary', e.is_primary) order by e.is_primary desc, e.value), '[]'::json) from user_emails e where e.user_id = users.id)`.as(
            'emails_json',
          ),
          sql<GroupRef[]>`(select coalesce(json_agg(json_build_object('id', g.id, 'displayName', g.display_name) order by g.name_key), '[]'::json) from group_members m join groups g on g.id = m.group_id where m.user_id = users.id)`.as(
            'groups_json',
          ),
          temporaryPasswordFlag().as('temporary_password'),
        ])
        .execute();
      return rows.map((row) => ({ user: toUser(row), emails: row.emails_json, groups: row.groups_json, temporaryPassword: row.temporary_password }));
    },

    /** Whether `listWithDetails` is the cheaper way to list: one round trip saved matters over a network, not in-process. */
    listsWithDetails: isPostgres(db),
    async count(orgId: string, filter?: FilterNode): Promise<number> {
      let q = db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId);
      if (filter) q = q.where(filterToSql(userFilterSchema(engine), filter));
      const row = await q.executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /**
     * The organization's users (of one type, when given) from the counter the database keeps
     * (migration 0016): one indexed row, whatever the number of users.
     */
    async countFromCounter(orgId: string, userType?: UserType): Promise<number> {
      let q = db.selectFrom('user_counts').select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('user_count'), eb.val(0)).as('n')).where('org_id', '=', orgId);
      if (userType) q = q.where('user_type', '=', userType);
      const row = await q.executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Each user's addresses, primary first. */
    async listEmails(orgId: string, userIds: string[]): Promise<Map<string, UserEmail[]>> {
      const byUser = new Map<string, UserEmail[]>(userIds.map((id) => [id, []]));
      if (userIds.length === 0) return byUser;
      const rows = await db
        .selectFrom('user_emails')
        .select(['user_id', 'value', 'type', 'is_primary'])
        .where('org_id', '=', orgId)
        .where('user_id', 'in', userIds)
        .orderBy('user_id')
        .orderBy('is_primary', 'desc')
        .orderBy('value')
        .execute();
      for (const row of rows) byUser.get(row.user_id)?.push({ value: row.value, type: row.type, primary: toBool(row.is_primary) });
      return byUser;
    },

    /** Replaces the secondary addresses and the primary's type; the primary stays the userName. */
    /** Answers the addresses as stored, in listEmails' order (primary first, then by value). */
    async replaceEmails(orgId: string, user: Pick<User, 'id' | 'userName'>, emails: UserEmail[]): Promise<UserEmail[]> {
      await db.deleteFrom('user_emails').where('org_id', '=', orgId).where('user_id', '=', user.id).execute();
      const rows = emailRows(orgId, user, emails);
      await db.insertInto('user_emails').values(rows).execute();
      return storedEmails(rows);
    },
  };
}

export type UserRepo = ReturnType<typeof createUserRepo>;
