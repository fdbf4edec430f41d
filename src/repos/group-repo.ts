import type { Kysely, Selectable } from 'kysely';
import type { Database, GroupsTable } from '../db/schema.ts';
import { toDate } from '../db/values.ts';
import { translateConstraintError } from '../db/constraint-errors.ts';

export interface Group {
  id: string;
  orgId: string;
  displayName: string;
  createdAt: Date;
  modifiedAt: Date;
  version: number;
}

function toGroup(row: Selectable<GroupsTable>): Group {
  return {
    id: row.id,
    orgId: row.org_id,
    displayName: row.display_name,
    createdAt: toDate(row.created_at),
    modifiedAt: toDate(row.modified_at),
    version: row.version,
  };
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

    /** Adds members idempotently; callers have checked that both sides belong to orgId. */
    async addMembers(orgId: string, groupId: string, userIds: string[], now: Date): Promise<void> {
      if (userIds.length === 0) return;
      await db
        .insertInto('group_members')
        .values(userIds.map((userId) => ({ group_id: groupId, user_id: userId, org_id: orgId, added_at: now })))
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .execute();
    },

    async removeMembers(orgId: string, groupId: string, userIds: string[]): Promise<void> {
      if (userIds.length === 0) return;
      await db
        .deleteFrom('group_members')
        .where('org_id', '=', orgId)
        .where('group_id', '=', groupId)
        .where('user_id', 'in', userIds)
        .execute();
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

    async listGroupsOfUser(orgId: string, userId: string): Promise<Group[]> {
      const rows = await db
        .selectFrom('groups')
        .innerJoin('group_members', 'group_members.group_id', 'groups.id')
        .selectAll('groups')
        .where('group_members.org_id', '=', orgId)
        .where('group_members.user_id', '=', userId)
        .orderBy('groups.display_name')
        .execute();
      return rows.map(toGroup);
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('groups').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type GroupRepo = ReturnType<typeof createGroupRepo>;
