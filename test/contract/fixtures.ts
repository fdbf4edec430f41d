// Shared builders for the repository contract suites. Every suite runs unchanged on SQLite and
// PostgreSQL (createTestDatabase picks the engine from DATABASE_URL), so the builders only use
// the repositories' public functions, never engine-specific SQL.

import crypto from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createRepos, type RepoSet, type Repos } from '../../src/repos/index.ts';
import type { Organization } from '../../src/repos/organization-repo.ts';
import type { User } from '../../src/repos/user-repo.ts';
import type { Group } from '../../src/repos/group-repo.ts';
import { newId } from '../../src/lib/ids.ts';
import { AppError } from '../../src/errors.ts';

/** Millisecond-precise instants (both engines keep at least milliseconds). */
export const T0 = new Date('2031-04-05T06:07:08.123Z');
export const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);
export const MINUTE = 60_000;

/** Opens one database per test file and closes it afterwards; returns a live handle. */
export function useContractDatabase(): { readonly database: TestDatabase; readonly repos: Repos } {
  const state: { database?: TestDatabase; repos?: Repos } = {};
  beforeAll(async () => {
    state.database = await createTestDatabase();
    state.repos = createRepos(state.database.db);
  });
  afterAll(async () => {
    await state.database?.drop();
  });
  return {
    get database() {
      if (!state.database) throw new Error('database not open yet');
      return state.database;
    },
    get repos() {
      if (!state.repos) throw new Error('database not open yet');
      return state.repos;
    },
  };
}

export function uniqueHandle(prefix = 'org'): string {
  return `${prefix}-${crypto.randomBytes(5).toString('hex')}`;
}

export async function insertOrganization(repos: RepoSet, overrides: Partial<Organization> = {}): Promise<Organization> {
  const org: Organization = {
    id: newId(),
    handle: uniqueHandle(),
    displayName: 'Acme Corp',
    createdAt: T0,
    updatedAt: at(1),
    ...overrides,
  };
  await repos.organizations.insert(org);
  return org;
}

export function buildUser(orgId: string, overrides: Partial<User> = {}): User {
  return {
    id: newId(),
    orgId,
    userName: `user-${crypto.randomBytes(5).toString('hex')}@example.test`,
    givenName: 'Ann',
    familyName: 'Lee',
    userType: 'customer',
    adminRole: null,
    accountState: 'active',
    emailVerified: true,
    createdAt: T0,
    modifiedAt: at(5),
    version: 1,
    externalId: null,
    displayName: null,
    enterprise: null,
    profile: null,
    ...overrides,
  };
}

export async function insertUser(repos: RepoSet, orgId: string, overrides: Partial<User> = {}): Promise<User> {
  const user = buildUser(orgId, overrides);
  await repos.users.insert(user);
  return user;
}

export function buildGroup(orgId: string, overrides: Partial<Group> = {}): Group {
  return {
    id: newId(),
    orgId,
    displayName: `Group ${crypto.randomBytes(4).toString('hex')}`,
    createdAt: T0,
    modifiedAt: at(2),
    version: 1,
    externalId: null,
    ...overrides,
  };
}

export async function insertGroup(repos: RepoSet, orgId: string, overrides: Partial<Group> = {}): Promise<Group> {
  const group = buildGroup(orgId, overrides);
  await repos.groups.insert(group);
  return group;
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Asserts (by throwing) that an error is the AppError with the given code, and returns it. */
export function expectAppError(error: unknown, code: string): AppError {
  if (!(error instanceof AppError)) {
    throw new Error(`expected AppError ${code}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  if (error.code !== code) throw new Error(`expected AppError ${code}, got ${error.code}: ${error.message}`);
  return error;
}
