import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { Database, GroupsTable } from '../db/schema.ts';
import { toDate } from '../db/values.ts';
import { translateConstraintError } from '../db/constraint-errors.ts';
import type { FilterNode } from '../scim/filter/ast.ts';
import { filterToSql } from './scim-filter/to-sql.ts';
import { groupFilterSchema } from './scim-filter/targets.ts';

export interface Group {
  id: string;
  orgId: string;
  displayName: string;
  createdAt: Date;
  modifiedAt: Date;
  version: number;
  externalId?: string | null;
}

export interface GroupMember {
  userId: string;
  userName: string;
}

function toGroup(row: Selectable<GroupsTable>): Group {
  return {
    id: row.id,
    orgId: row.org_id,
    displayName: row.display_name,
    createdAt: toDate(row.created_at),
    modifiedAt: toDate(row.modified_at),
    version: row.version,
    externalId: row.external_id,
  };
}

export type GroupSortColumn = 'created_at' | 'modified_at' | 'name_key' | 'external_id' | 'id';

export interface GroupListQuery {
  /** A parsed SCIM filter: data, compiled to SQL here (repos/scim-filter). */
  filter?: FilterNode;
  sort: { column: GroupSortColumn; direction: 'asc' | 'desc' };
  after?: { value: string | Date | null; id: string };
  offset?: number;
  limit: number;
}

/**
 * Rows per statement for membership changes: a request may name tens of thousands of members,
 * more than the bind parameters one statement may carry (65535 in PostgreSQL, 32766 in SQLite).
 */
const MEMBERS_PER_STATEMENT = 1000;

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += MEMBERS_PER_STATEMENT) result.push(items.slice(i, i + MEMBERS_PER_STATEMENT));
  return result;
}

export function createGroupRepo(db: Kysely<Database>) {
  return {
    async insert(group: Group): Promise<void> {
      await db
        .insertInto('groups')
        .values({
          id: group.id,
          org_id: group.orgId,
          display_name: group.displayName,
          name_key: group.displayName.toLowerCase(),
          created_at: group.createdAt,
          modified_at: group.modifiedAt,
          version: group.version,
          external_id: group.externalId ?? null,
        })
        .execute()
        .catch(translateConstraintError);
    },

    async findById(orgId: string, id: string): Promise<Group | undefined> {
      const row = await db.selectFrom('groups').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return row && toGroup(row);
    },

    async findByName(orgId: string, displayName: string): Promise<Group | undefined> {
      const row = await db
        .selectFrom('groups')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('name_key', '=', displayName.toLowerCase())
        .executeTakeFirst();
      return row && toGroup(row);
    },

    /** Groups of the organization among `ids`. */
    async findManyByIds(orgId: string, ids: string[]): Promise<Group[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('groups').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).execute();
      return rows.map(toGroup);
    },

    /**
     * Takes the group's row lock until the transaction ends, so concurrent writers of one group
     * queue instead of failing their version check. A no-op update locks on both engines
     * (PostgreSQL's FOR UPDATE has no SQLite equivalent; SQLite has one writer anyway).
     */
    async lock(orgId: string, id: string): Promise<boolean> {
      const result = await db
        .updateTable('groups')
        .set((eb) => ({ version: eb.ref('version') }))
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Renames or re-keys a group if its version is still `expectedVersion`, bumping it. */
    async update(
      orgId: string,
      id: string,
      expectedVersion: number,
      changes: { displayName?: string; externalId?: string | null },
      now: Date,
    ): Promise<Group | undefined> {
      const row = await db
        .updateTable('groups')
        .set({
          ...(changes.displayName !== undefined && { display_name: changes.displayName, name_key: changes.displayName.toLowerCase() }),
          ...(changes.externalId !== undefined && { external_id: changes.externalId }),
          modified_at: now,
          version: expectedVersion + 1,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .returningAll()
        .executeTakeFirst()
        .catch(translateConstraintError);
      return row && toGroup(row);
    },

    /** Adds members idempotently; callers have checked that both sides belong to orgId. */
    async addMembers(orgId: string, groupId: string, userIds: string[], now: Date): Promise<void> {
      for (const chunk of chunks(userIds)) {
        await db
          .insertInto('group_members')
          .values(chunk.map((userId) => ({ group_id: groupId, user_id: userId, org_id: orgId, added_at: now })))
          .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
          .execute()
          .catch(translateConstraintError);
      }
    },

    async removeMembers(orgId: string, groupId: string, userIds: string[]): Promise<void> {
      for (const chunk of chunks(userIds)) {
        await db
          .deleteFrom('group_members')
          .where('org_id', '=', orgId)
          .where('group_id', '=', groupId)
          .where('user_id', 'in', chunk)
          .execute();
      }
    },

    async removeAllMembers(orgId: string, groupId: string): Promise<void> {
      await db.deleteFrom('group_members').where('org_id', '=', orgId).where('group_id', '=', groupId).execute();
    },

    async listMemberIds(orgId: string, groupId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('group_members')
        .select('user_id')
        .where('org_id', '=', orgId)
        .where('group_id', '=', groupId)
        .orderBy('user_id')
        .execute();
      return rows.map((r) => r.user_id);
    },

    /** Members of each group, with their userNames, for rendering. */
    async listMembers(orgId: string, groupIds: string[]): Promise<Map<string, GroupMember[]>> {
      const byGroup = new Map<string, GroupMember[]>(groupIds.map((id) => [id, []]));
      if (groupIds.length === 0) return byGroup;
      const rows = await db
        .selectFrom('group_members')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .select(['group_members.group_id', 'users.id', 'users.user_name'])
        .where('group_members.org_id', '=', orgId)
        .where('group_members.group_id', 'in', groupIds)
        .orderBy('group_members.group_id')
        .orderBy('users.user_name')
        .execute();
      for (const row of rows) byGroup.get(row.group_id)?.push({ userId: row.id, userName: row.user_name });
      return byGroup;
    },

    async listGroupsOfUser(orgId: string, userId: string): Promise<Group[]> {
      return (await this.listGroupsOfUsers(orgId, [userId])).get(userId) ?? [];
    },

    /** Each user's groups, by name. */
    async listGroupsOfUsers(orgId: string, userIds: string[]): Promise<Map<string, Group[]>> {
      const byUser = new Map<string, Group[]>(userIds.map((id) => [id, []]));
      if (userIds.length === 0) return byUser;
      const rows = await db
        .selectFrom('groups')
        .innerJoin('group_members', 'group_members.group_id', 'groups.id')
        .selectAll('groups')
        .select('group_members.user_id as member_id')
        .where('group_members.org_id', '=', orgId)
        .where('group_members.user_id', 'in', userIds)
        .orderBy('groups.name_key')
        .execute();
      for (const row of rows) byUser.get(row.member_id)?.push(toGroup(row));
      return byUser;
    },

    async list(orgId: string, query: GroupListQuery): Promise<Group[]> {
      const { column, direction } = query.sort;
      const sortExpr = column === 'external_id' ? sql<string>`coalesce(groups.external_id, '')` : sql.ref(`groups.${column}`);
      let q = db.selectFrom('groups').selectAll().where('org_id', '=', orgId);
      if (query.filter) q = q.where(filterToSql(groupFilterSchema, query.filter));
      if (query.after) {
        const op = direction === 'asc' ? sql.raw('>') : sql.raw('<');
        q = q.where(sql<SqlBool>`(${sortExpr}, groups.id) ${op} (${query.after.value ?? ''}, ${query.after.id})`);
      }
      q = q.orderBy(sortExpr, direction).orderBy('groups.id', direction).limit(query.limit);
      if (query.offset) q = q.offset(query.offset);
      return (await q.execute()).map(toGroup);
    },

    async count(orgId: string, filter?: FilterNode): Promise<number> {
      let q = db.selectFrom('groups').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId);
      if (filter) q = q.where(filterToSql(groupFilterSchema, filter));
      return Number((await q.executeTakeFirstOrThrow()).n);
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('groups').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type GroupRepo = ReturnType<typeof createGroupRepo>;
