// Groups as SCIM resources.

import type { GroupView } from '../services/group-service.ts';
import { GROUP_SCHEMA } from './schema-definitions.ts';
import { invalidValue, mutability, ScimError } from './errors.ts';
import { checkCreateMeta, optionalString, pick, type ScimLocations } from './user-resource.ts';
import { weakEtag } from './etag.ts';

export function toScimGroup(view: GroupView, locations: ScimLocations, options: { members: boolean }): Record<string, unknown> {
  const { group, members } = view;
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...(group.externalId && { externalId: group.externalId }),
    displayName: group.displayName,
    ...(options.members && {
      members: members.map((m) => ({ value: m.userId, display: m.userName, type: 'User', $ref: `${locations.base}/Users/${m.userId}` })),
    }),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.modifiedAt.toISOString(),
      location: `${locations.base}/Groups/${group.id}`,
      version: weakEtag(group.version),
    },
  };
}

/** Member ids from a `members` value: `[{ "value": "<user id>" }, ...]`. */
export function readMemberIds(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidValue('members must be an array');
  return value.map((member, i) => {
    const id = typeof member === 'object' && member !== null ? pick(member as Record<string, unknown>, 'value') : undefined;
    if (typeof id !== 'string' || id === '') throw invalidValue(`members[${i}].value must be a user id`);
    return id;
  });
}

export function readScimGroup(body: unknown, options: { mode: 'create' | 'replace'; id?: string }) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ScimError(400, 'The request body must be a JSON object', 'invalidSyntax');
  const object = body as Record<string, unknown>;
  const id = pick(object, 'id');
  if (options.mode === 'create' && id !== undefined) throw mutability('id is assigned by the server and cannot be set');
  if (options.mode === 'replace' && id !== undefined && id !== options.id) throw mutability('id cannot be changed');
  if (options.mode === 'create') checkCreateMeta(pick(object, 'meta'), 'Group');
  const displayName = optionalString(pick(object, 'displayName'), 'displayName');
  if (!displayName) throw invalidValue('displayName is required');
  return {
    displayName,
    externalId: optionalString(pick(object, 'externalId'), 'externalId') ?? null,
    memberIds: readMemberIds(pick(object, 'members')),
  };
}
