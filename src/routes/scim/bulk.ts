// /t/{org}/scim2/Bulk (RFC 7644 section 3.7). Operations run in order inside ONE transaction:
// a Bulk request is all or nothing, so a user created together with group memberships never
// exists without them. `bulkId:` references resolve to ids created earlier in the request;
// each operation needs its own scope besides `internal_bulk_resource_create`.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { System } from '../../system.ts';
import type { RepoSet } from '../../repos/index.ts';
import { isAppError } from '../../errors.ts';
import { ScimError, invalidSyntax, invalidValue } from '../../scim/errors.ts';
import { scimErrorFromAppError } from '../../scim/app-error.ts';
import { pick } from '../../scim/user-resource.ts';
import { versionFromIfMatch } from '../../scim/etag.ts';
import { actingContext, scimState } from './context.ts';
import { requireScope } from './bearer-auth.ts';
import { BULK_MAX_OPERATIONS, BULK_MAX_PAYLOAD_BYTES } from './limits.ts';
import * as operations from './operations.ts';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface BulkOperation {
  method: Method;
  bulkId?: string;
  path: string;
  version?: string;
  data?: unknown;
}

interface OperationOutcome {
  method: Method;
  bulkId?: string;
  location?: string;
  version?: string;
  status: string;
  response?: unknown;
}

const SCOPES: Record<'Users' | 'Groups', Record<Method, string>> = {
  Users: { POST: 'internal_user_mgt_create', PUT: 'internal_user_mgt_update', PATCH: 'internal_user_mgt_update', DELETE: 'internal_user_mgt_delete' },
  Groups: { POST: 'internal_group_mgt_create', PUT: 'internal_group_mgt_update', PATCH: 'internal_group_mgt_update', DELETE: 'internal_group_mgt_delete' },
};

function readBulkRequest(body: unknown): { operations: BulkOperation[]; failOnErrors?: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidSyntax('The Bulk request must be a JSON object');
  const object = body as Record<string, unknown>;
  const schemas = pick(object, 'schemas');
  if (!Array.isArray(schemas) || !schemas.includes(BULK_REQUEST)) throw invalidSyntax(`schemas must contain ${BULK_REQUEST}`);
  const list = pick(object, 'Operations');
  if (!Array.isArray(list) || list.length === 0) throw invalidSyntax('Operations must be a non-empty array');
  if (list.length > BULK_MAX_OPERATIONS) throw new ScimError(413, `A Bulk request may hold at most ${BULK_MAX_OPERATIONS} operations`, 'tooMany');
  const failOnErrors = pick(object, 'failOnErrors');
  if (failOnErrors !== undefined && (!Number.isInteger(failOnErrors) || (failOnErrors as number) < 1)) throw invalidValue('failOnErrors must be a positive integer');
  const seen = new Set<string>();
  const operations = list.map((raw, i): BulkOperation => {
    if (typeof raw !== 'object' || raw === null) throw invalidSyntax(`Operations[${i}] must be an object`);
    const op = raw as Record<string, unknown>;
    const method = String(pick(op, 'method') ?? '').toUpperCase();
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw invalidValue(`Operations[${i}].method must be POST, PUT, PATCH or DELETE`);
    const path = pick(op, 'path');
    if (typeof path !== 'string') throw invalidValue(`Operations[${i}].path is required`);
    const bulkId = pick(op, 'bulkId');
    if (bulkId !== undefined && typeof bulkId !== 'string') throw invalidValue(`Operations[${i}].bulkId must be a string`);
    if (method === 'POST' && !bulkId) throw invalidValue(`Operations[${i}]: a POST needs a bulkId`);
    if (bulkId) {
      if (seen.has(bulkId)) throw invalidValue(`bulkId "${bulkId}" is used twice`);
      seen.add(bulkId);
    }
    const version = pick(op, 'version');
    return { method: method as Method, path, bulkId: bulkId as string | undefined, version: typeof version === 'string' ? version : undefined, data: pick(op, 'data') };
  });
  return { operations, failOnErrors: failOnErrors as number | undefined };
}

/** Replaces every "bulkId:x" string in the data with the id created for x. */
function resolveReferences(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === 'string' && value.startsWith('bulkId:')) {
    const id = ids.get(value.slice('bulkId:'.length));
    if (!id) throw new ScimError(409, `${value} does not name a resource created earlier in this request`, 'invalidValue');
    return id;
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, ids));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, ids)]));
  return value;
}

function parsePath(path: string, method: Method): { type: 'Users' | 'Groups'; id?: string } {
  const match = /^\/(Users|Groups)(?:\/([^/?#]+))?$/.exec(path);
  if (!match) throw invalidValue(`Unsupported path "${path}": use /Users, /Groups, /Users/{id} or /Groups/{id}`);
  const [, type, id] = match;
  if (method === 'POST' && id) throw invalidValue(`POST goes to /${type}, not to a resource`);
  if (method !== 'POST' && !id) throw invalidValue(`${method} needs a resource path such as /${type}/{id}`);
  return { type: type as 'Users' | 'Groups', id };
}

async function runOperation(c: operations.OperationContext, tx: RepoSet, op: BulkOperation, ids: Map<string, string>, scopes: Set<string>) {
  const target = parsePath(op.path, op.method);
  const scope = SCOPES[target.type][op.method];
  if (!scopes.has(scope)) throw new ScimError(403, `The access token lacks the scope ${scope}`);
  const id = target.id ? (resolveReferences(target.id, ids) as string) : undefined;
  const data = resolveReferences(op.data, ids);
  const expected = versionFromIfMatch(op.version);
  if (Number.isNaN(expected)) throw new ScimError(412, 'version does not match the current version');
  const users = target.type === 'Users';
  switch (op.method) {
    case 'POST':
      return users ? operations.createUser(c, data, tx) : operations.createGroup(c, data, tx);
    case 'PUT':
      return users ? operations.replaceUser(c, id!, data, expected, tx) : operations.replaceGroup(c, id!, data, expected, tx);
    case 'PATCH':
      return users ? operations.patchUser(c, id!, data, expected, tx) : operations.patchGroup(c, id!, data, expected, tx);
    case 'DELETE':
      return users ? operations.deleteUser(c, id!, expected, tx) : operations.deleteGroup(c, id!, expected, tx);
  }
}

class RolledBack extends Error {
  readonly outcomes: OperationOutcome[];
  constructor(outcomes: OperationOutcome[]) {
    super('bulk request rolled back');
    this.outcomes = outcomes;
  }
}

function asScimError(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error;
  if (isAppError(error) && error.status < 500) return scimErrorFromAppError(error);
  return undefined;
}

export async function bulkRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.post<{ Params: { org: string } }>(
    '/Bulk',
    { bodyLimit: BULK_MAX_PAYLOAD_BYTES },
    async (request: FastifyRequest) => {
      const { organization, principal, locations } = scimState(request);
      requireScope(principal, 'internal_bulk_resource_create');
      const { operations: ops } = readBulkRequest(request.body);
      const c: operations.OperationContext = { system, organization, locations, ctx: actingContext(request) };

      const outcomes: OperationOutcome[] = [];
      try {
        await system.repos.transaction(async (tx) => {
          const ids = new Map<string, string>();
          for (const op of ops) {
            try {
              const result = await runOperation(c, tx, op, ids, principal.scopes);
              const meta = result.resource?.meta as { location?: string; version?: string } | undefined;
              if (op.bulkId && result.resource?.id) ids.set(op.bulkId, String(result.resource.id));
              outcomes.push({ method: op.method, bulkId: op.bulkId, location: meta?.location, version: meta?.version, status: String(result.status) });
            } catch (error) {
              const scimError = asScimError(error);
              if (!scimError) throw error;
              // Nothing of this request is kept: earlier operations are reported as not applied.
              const failedAt = outcomes.length + 1;
              for (const done of outcomes) {
                done.status = '424';
                done.response = new ScimError(424, `Not applied: operation ${failedAt} failed, so the whole request was rolled back`).toJSON();
                delete done.location;
                delete done.version;
              }
              outcomes.push({ method: op.method, bulkId: op.bulkId, status: String(scimError.status), response: scimError.toJSON() });
              throw new RolledBack(outcomes);
            }
          }
        });
      } catch (error) {
        if (!(error instanceof RolledBack)) throw error;
      }
      return { schemas: [BULK_RESPONSE], Operations: outcomes };
    },
  );
}
