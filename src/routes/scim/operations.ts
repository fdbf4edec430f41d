// The write operations on SCIM resources, shared by the single-resource endpoints and Bulk.
// Each takes an optional transaction: alone it opens its own, inside Bulk it joins the
// request's one so the whole Bulk request is all or nothing.

import { isDeepStrictEqual } from 'node:util';
import type { System } from '../../system.ts';
import type { RepoSet } from '../../repos/index.ts';
import type { Organization } from '../../repos/organization-repo.ts';
import type { RequestContext } from '../../services/request-context.ts';
import { assertGroupVersion, type MembershipChange } from '../../services/group-service.ts';
import { assertUserVersion } from '../../services/user-service.ts';
import { AppError, isAppError } from '../../errors.ts';
import { applyPatch, parsePatchRequest, type PatchOperation } from '../../scim/patch.ts';
import { parsePatchPath } from '../../scim/filter/parser.ts';
import { GROUP_RESOURCE, USER_RESOURCE } from '../../scim/schema-definitions.ts';
import { pick, readScimUser, toReplaceInput, toScimUser, type ScimLocations } from '../../scim/user-resource.ts';
import { readMemberIds, readScimGroup, toScimGroup } from '../../scim/group-resource.ts';

export interface OperationContext {
  system: System;
  organization: Organization;
  locations: ScimLocations;
  ctx: RequestContext;
}

export interface OperationResult {
  status: number;
  resource?: Record<string, unknown>;
}

/**
 * A client that sent no If-Match asked for no precondition: when another request changed the
 * resource between our read and our write, read and apply again instead of answering 412.
 * Inside Bulk (one transaction) there is no retrying; the version check stands.
 */
async function retryingConcurrentChanges<T>(expectedVersion: number | undefined, tx: RepoSet | undefined, work: () => Promise<T>): Promise<T> {
  if (expectedVersion !== undefined || tx) return work();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const conflict = isAppError(error) && (error.code === 'user.version_mismatch' || error.code === 'group.version_mismatch');
      if (!conflict || attempt >= 5) throw error;
    }
  }
}

function inTransaction<T>(c: OperationContext, tx: RepoSet | undefined, work: (tx: RepoSet) => Promise<T>): Promise<T> {
  return tx ? work(tx) : c.system.repos.transaction(work);
}

/** Whether two values are equal as JSON (object keys in any order, undefined properties absent). */
function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

async function currentUser(tx: RepoSet, orgId: string, id: string) {
  const user = await tx.users.findById(orgId, id);
  if (!user) throw new AppError('user.not_found', `No user with id "${id}"`);
  return user;
}

export async function createUser(c: OperationContext, body: unknown, tx?: RepoSet): Promise<OperationResult> {
  const { users } = c.system.services;
  const prepared = await users.prepareCreate(c.organization, readScimUser(body, { mode: 'create' }), tx);
  const view = await inTransaction(c, tx, (t) => users.writeCreate(t, c.organization, prepared, c.ctx));
  return { status: 201, resource: toScimUser(view, c.locations) };
}

export function replaceUser(c: OperationContext, id: string, body: unknown, expectedVersion?: number, tx?: RepoSet): Promise<OperationResult> {
  return retryingConcurrentChanges(expectedVersion, tx, () => replaceUserOnce(c, id, body, expectedVersion, tx));
}

async function replaceUserOnce(c: OperationContext, id: string, body: unknown, expectedVersion?: number, tx?: RepoSet): Promise<OperationResult> {
  const { users } = c.system.services;
  const input = toReplaceInput(readScimUser(body, { mode: 'replace', id }));
  const current = await currentUser(tx ?? c.system.repos, c.organization.id, id);
  const prepared = await users.prepareReplace(c.organization, current, input, tx);
  const view = await inTransaction(c, tx, (t) => users.writeReplace(t, c.organization, id, prepared, c.ctx, expectedVersion ?? current.version));
  return { status: 200, resource: toScimUser(view, c.locations) };
}

/** PATCH is applied to the current representation, then saved like a PUT of the result. */
export function patchUser(c: OperationContext, id: string, body: unknown, expectedVersion?: number, tx?: RepoSet): Promise<OperationResult> {
  return retryingConcurrentChanges(expectedVersion, tx, () => patchUserOnce(c, id, body, expectedVersion, tx));
}

async function patchUserOnce(c: OperationContext, id: string, body: unknown, expectedVersion?: number, tx?: RepoSet): Promise<OperationResult> {
  const { users } = c.system.services;
  // Read, apply and write under the user's row lock: concurrent PATCHes queue, none is lost.
  const saved = await inTransaction(c, tx, async (t) => {
    await t.users.lock(c.organization.id, id);
    const view = await users.getUserIn(t, c.organization.id, id);
    const original = toScimUser(view, c.locations, { forPatch: true });
    const patched = applyPatch(original, body, USER_RESOURCE);
    // `remove active` unassigns it; a PUT without `active` means active, but a PATCH that removes
    // it must never re-enable a disabled account: the state is left as it is.
    if (pick(patched, 'active') === undefined) patched.active = original.active;
    const input = toReplaceInput(readScimUser(patched, { mode: 'replace', id }));
    // A PATCH that changes nothing keeps the version, ETag and lastModified, and writes no audit
    // event; If-Match is still checked.
    if (sameJson(input, toReplaceInput(readScimUser(original, { mode: 'replace', id })))) {
      assertUserVersion(view.user, expectedVersion);
      return view;
    }
    const prepared = await users.prepareReplace(c.organization, view.user, input, t);
    return users.writeReplace(t, c.organization, id, prepared, c.ctx, expectedVersion ?? view.user.version);
  });
  return { status: 200, resource: toScimUser(saved, c.locations) };
}

export async function deleteUser(c: OperationContext, id: string, expectedVersion?: number, tx?: RepoSet): Promise<OperationResult> {
  await inTransaction(c, tx, (t) => c.system.services.users.writeDelete(t, c.organization.id, id, c.ctx, expectedVersion));
  return { status: 204 };
}

export async function createGroup(c: OperationContext, body: unknown, tx?: RepoSet): Promise<OperationResult> {
  const input = readScimGroup(body, { mode: 'create' });
  const view = await inTransaction(c, tx, (t) => c.system.services.groups.writeCreate(t, c.organization.id, input, c.ctx));
  return { status: 201, resource: toScimGroup(view, c.locations, { members: true }) };
}

export function replaceGroup(c: OperationContext, id: string, body: unknown, expectedVersion?: number, tx?: RepoSet): Promise<OperationResult> {
  return retryingConcurrentChanges(expectedVersion, tx, () => replaceGroupOnce(c, id, body, expectedVersion, tx));
}

async function replaceGroupOnce(c: OperationContext, id: string, body: unknown, expectedVersion?: number, tx?: RepoSet): Promise<OperationResult> {
  const input = readScimGroup(body, { mode: 'replace', id });
  const view = await inTransaction(c, tx, (t) =>
    c.system.services.groups.writeUpdate(
      t,
      c.organization.id,
      id,
      { displayName: input.displayName, externalId: input.externalId, members: { removeAll: true, add: input.memberIds, remove: [] } },
      c.ctx,
      expectedVersion,
    ),
  );
  return { status: 200, resource: toScimGroup(view, c.locations, { members: true }) };
}

function isMembersPath(path: string | undefined): boolean {
  return path !== undefined && path.trim().toLowerCase() === 'members';
}

/**
 * Membership-only PATCHes (what Entra ID and Okta send) become row inserts and deletes
 * without loading the member list; undefined when the request does anything else.
 */
export function membershipChangeOf(operations: PatchOperation[]): MembershipChange | undefined {
  const change = { removeAll: false, add: new Set<string>(), remove: new Set<string>() };
  for (const op of operations) {
    if (isMembersPath(op.path) && op.op === 'add') {
      for (const id of readMemberIds(op.value)) {
        change.add.add(id);
        change.remove.delete(id);
      }
    } else if (isMembersPath(op.path) && op.op === 'replace') {
      change.removeAll = true;
      change.add = new Set(readMemberIds(op.value));
      change.remove.clear();
    } else if (isMembersPath(op.path) && op.op === 'remove') {
      // Without a value: all members; with one (Entra): exactly those.
      if (op.value === undefined) {
        change.removeAll = true;
        change.add.clear();
        change.remove.clear();
      } else {
        for (const id of readMemberIds(op.value)) {
          change.remove.add(id);
          change.add.delete(id);
        }
      }
    } else if (op.op === 'remove' && op.path) {
      const parsed = parsePatchPath(op.path);
      const filter = parsed.valueFilter;
      if (parsed.path.attribute.toLowerCase() !== 'members' || parsed.path.uri || parsed.subAttribute || !filter) return undefined;
      if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.path.attribute.toLowerCase() !== 'value' || typeof filter.value !== 'string') return undefined;
      change.remove.add(filter.value);
      change.add.delete(filter.value);
    } else {
      return undefined;
    }
  }
  return { removeAll: change.removeAll, add: [...change.add], remove: [...change.remove] };
}

/** `withMembers` false: the answer leaves the members out (the request's excludedAttributes), so they are not read. */
export function patchGroup(c: OperationContext, id: string, body: unknown, expectedVersion?: number, tx?: RepoSet, withMembers = true): Promise<OperationResult> {
  return retryingConcurrentChanges(expectedVersion, tx, () => patchGroupOnce(c, id, body, expectedVersion, tx, withMembers));
}

async function patchGroupOnce(c: OperationContext, id: string, body: unknown, expectedVersion: number | undefined, tx: RepoSet | undefined, withMembers: boolean): Promise<OperationResult> {
  const { groups } = c.system.services;
  const operations = parsePatchRequest(body);
  const fast = membershipChangeOf(operations);
  const view = await inTransaction(c, tx, async (t) => {
    if (fast) return groups.writeUpdate(t, c.organization.id, id, { members: fast }, c.ctx, expectedVersion, withMembers);
    const current = await groups.getGroupForUpdate(t, c.organization.id, id);
    const patched = applyPatch(toScimGroup(current, c.locations, { members: true }), body, GROUP_RESOURCE);
    const input = readScimGroup(patched, { mode: 'replace', id });
    const before = new Set(current.members.map((m) => m.userId));
    const after = new Set(input.memberIds);
    // A PATCH that changes nothing keeps the version and ETag and writes no audit event.
    const unchanged =
      input.displayName === current.group.displayName &&
      (input.externalId ?? null) === (current.group.externalId ?? null) &&
      before.size === after.size &&
      [...after].every((m) => before.has(m));
    if (unchanged) {
      assertGroupVersion(current.group, expectedVersion);
      return withMembers ? current : { ...current, members: [] };
    }
    return groups.writeUpdate(
      t,
      c.organization.id,
      id,
      {
        displayName: input.displayName,
        externalId: input.externalId,
        members: { add: [...after].filter((m) => !before.has(m)), remove: [...before].filter((m) => !after.has(m)) },
      },
      c.ctx,
      expectedVersion ?? current.group.version,
      withMembers,
    );
  });
  return { status: 200, resource: toScimGroup(view, c.locations, { members: withMembers }) };
}

export async function deleteGroup(c: OperationContext, id: string, expectedVersion?: number, tx?: RepoSet): Promise<OperationResult> {
  await inTransaction(c, tx, (t) => c.system.services.groups.writeDelete(t, c.organization.id, id, c.ctx, expectedVersion));
  return { status: 204 };
}
