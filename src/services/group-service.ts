// Managing an organization's groups and their members. Membership changes add and remove rows;
// they never rewrite the whole list, so a large group stays cheap to change.

import type { FilterNode } from '../scim/filter/ast.ts';
import type { Repos, RepoSet } from '../repos/index.ts';
import type { Group, GroupListQuery, GroupMember } from '../repos/group-repo.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../errors.ts';
import { newId } from '../lib/ids.ts';
import { auditFields, type RequestContext } from './request-context.ts';

const MAX_NAME = 256;

export interface GroupView {
  group: Group;
  members: GroupMember[];
}

export interface GroupInput {
  displayName: string;
  externalId?: string | null;
  memberIds?: string[];
}

export interface MembershipChange {
  add: string[];
  remove: string[];
  /** Removes every member first (a replace of the whole list). */
  removeAll?: boolean;
}

function cleanName(value: string): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!name) throw new AppError('request.invalid', 'displayName is required', { details: { field: 'displayName' } });
  if (name.length > MAX_NAME) throw new AppError('request.invalid', `displayName must be at most ${MAX_NAME} characters`, { details: { field: 'displayName' } });
  return name;
}

/** If-Match: refuses when the caller expected another version of the group. */
export function assertGroupVersion(group: Group, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && group.version !== expectedVersion) {
    throw new AppError('group.version_mismatch', `The group has changed (version ${group.version}, expected ${expectedVersion}); fetch it again`);
  }
}

export function createGroupService(deps: { repos: Repos; clock: Clock }) {
  const { repos, clock } = deps;

  async function requireGroup(tx: RepoSet, orgId: string, id: string): Promise<Group> {
    const group = await tx.groups.findById(orgId, id);
    if (!group) throw new AppError('group.not_found', `No group with id "${id}"`);
    return group;
  }

  async function requireUsers(tx: RepoSet, orgId: string, userIds: string[]): Promise<void> {
    const unique = [...new Set(userIds)];
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      const found = new Set((await tx.users.findManyByIds(orgId, chunk)).map((u) => u.id));
      const missing = chunk.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw new AppError('request.invalid', `No user with id ${missing.map((id) => `"${id}"`).join(', ')} in this organization`, { details: { field: 'members' } });
      }
    }
  }

  async function view(tx: RepoSet, group: Group): Promise<GroupView> {
    return { group, members: (await tx.groups.listMembers(group.orgId, [group.id])).get(group.id) ?? [] };
  }

  const service = {
    async writeCreate(tx: RepoSet, orgId: string, input: GroupInput, ctx: RequestContext): Promise<GroupView> {
      const now = clock.now();
      const group: Group = {
        id: newId(),
        orgId,
        displayName: cleanName(input.displayName),
        externalId: input.externalId ?? null,
        createdAt: now,
        modifiedAt: now,
        version: 1,
      };
      await tx.groups.insert(group);
      const memberIds = [...new Set(input.memberIds ?? [])];
      await requireUsers(tx, orgId, memberIds);
      await tx.groups.addMembers(orgId, group.id, memberIds, now);
      await tx.audit.record({
        ...auditFields(ctx),
        orgId,
        occurredAt: now,
        action: 'group.created',
        targetType: 'group',
        targetId: group.id,
        after: { displayName: group.displayName, memberIds },
      });
      return view(tx, group);
    },

    createGroup(orgId: string, input: GroupInput, ctx: RequestContext): Promise<GroupView> {
      return repos.transaction((tx) => service.writeCreate(tx, orgId, input, ctx));
    },

    getGroup(orgId: string, id: string): Promise<GroupView> {
      return service.getGroupIn(repos, orgId, id);
    },

    async getGroupIn(tx: RepoSet, orgId: string, id: string): Promise<GroupView> {
      return view(tx, await requireGroup(tx, orgId, id));
    },

    /**
     * Reads the group after taking its row lock, for a change computed from what is read (a
     * general PATCH): concurrent writers queue behind each other rather than answering 412.
     */
    async getGroupForUpdate(tx: RepoSet, orgId: string, id: string): Promise<GroupView> {
      await tx.groups.lock(orgId, id);
      return view(tx, await requireGroup(tx, orgId, id));
    },

    /** Renames and/or changes members in one step, bumping the group's version once. */
    async writeUpdate(
      tx: RepoSet,
      orgId: string,
      id: string,
      changes: { displayName?: string; externalId?: string | null; members?: MembershipChange },
      ctx: RequestContext,
      expectedVersion?: number,
      /** False when the caller will not show the members: a big group's list is not read. */
      withMembers = true,
    ): Promise<GroupView> {
      // Without If-Match a concurrent change must not become a 412: wait for it instead.
      await tx.groups.lock(orgId, id);
      const current = await requireGroup(tx, orgId, id);
      assertGroupVersion(current, expectedVersion);
      const now = clock.now();
      const displayName = changes.displayName === undefined ? undefined : cleanName(changes.displayName);
      const updated = await tx.groups.update(orgId, id, current.version, { displayName, externalId: changes.externalId }, now);
      if (!updated) throw new AppError('group.version_mismatch', 'The group was changed by another request at the same time; try again');
      const members = changes.members;
      if (members) {
        if (members.removeAll) await tx.groups.removeAllMembers(orgId, id);
        await tx.groups.removeMembers(orgId, id, members.remove);
        await requireUsers(tx, orgId, members.add);
        await tx.groups.addMembers(orgId, id, [...new Set(members.add)], now);
      }
      await tx.audit.record({
        ...auditFields(ctx),
        orgId,
        occurredAt: now,
        action: 'group.updated',
        targetType: 'group',
        targetId: id,
        before: { displayName: current.displayName },
        after: {
          displayName: updated.displayName,
          ...(members && { membersAdded: members.add, membersRemoved: members.removeAll ? 'all' : members.remove }),
        },
      });
      return withMembers ? view(tx, updated) : { group: updated, members: [] };
    },

    updateGroup(
      orgId: string,
      id: string,
      changes: { displayName?: string; externalId?: string | null; members?: MembershipChange },
      ctx: RequestContext,
      expectedVersion?: number,
    ): Promise<GroupView> {
      return repos.transaction((tx) => service.writeUpdate(tx, orgId, id, changes, ctx, expectedVersion));
    },

    async writeDelete(tx: RepoSet, orgId: string, id: string, ctx: RequestContext, expectedVersion?: number): Promise<void> {
      const current = await requireGroup(tx, orgId, id);
      assertGroupVersion(current, expectedVersion);
      await tx.groups.delete(orgId, id);
      await tx.audit.record({
        ...auditFields(ctx),
        orgId,
        occurredAt: clock.now(),
        action: 'group.deleted',
        targetType: 'group',
        targetId: id,
        before: { displayName: current.displayName },
      });
    },

    deleteGroup(orgId: string, id: string, ctx: RequestContext, expectedVersion?: number): Promise<void> {
      return repos.transaction((tx) => service.writeDelete(tx, orgId, id, ctx, expectedVersion));
    },

    async listGroups(orgId: string, query: GroupListQuery, withMembers: boolean): Promise<GroupView[]> {
      const groups = await repos.groups.list(orgId, query);
      const members = withMembers ? await repos.groups.listMembers(orgId, groups.map((g) => g.id)) : new Map<string, GroupMember[]>();
      return groups.map((group) => ({ group, members: members.get(group.id) ?? [] }));
    },

    countGroups(orgId: string, filter?: FilterNode): Promise<number> {
      return repos.groups.count(orgId, filter);
    },
  };
  return service;
}

export type GroupService = ReturnType<typeof createGroupService>;
