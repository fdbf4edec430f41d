// Unique and foreign-key violations are mapped to error codes in one place, by constraint name,
// so a race between two writers ends in a clean 409 or 404 rather than a 500.

import { AppError, type ErrorCode } from '../errors.ts';

const CODE_BY_CONSTRAINT: Record<string, { code: ErrorCode; message: string }> = {
  organizations_handle_key: { code: 'organization.handle_in_use', message: 'An organization with this handle already exists' },
  users_org_user_name_key: { code: 'user.email_in_use', message: 'A user with this email already exists in the organization' },
  groups_org_name_key: { code: 'group.name_in_use', message: 'A group with this name already exists in the organization' },
};

// SQLite names columns, not constraints, in its message: map those back to the constraint.
const CONSTRAINT_BY_SQLITE_COLUMNS: Record<string, string> = {
  'organizations.handle': 'organizations_handle_key',
  'users.org_id, users.user_name': 'users_org_user_name_key',
  'groups.org_id, groups.name_key': 'groups_org_name_key',
};

// A row written while the row it refers to was deleted by another request (a group deleted while
// an invitation into it is created): the thing is gone, as if it had been gone before.
const CODE_BY_FOREIGN_KEY: Record<string, { code: ErrorCode; message: string }> = {
  // Answered as a reference to a group or user that does not exist (400), which it now is.
  group_members_group_id_fkey: { code: 'request.invalid', message: 'A group given was deleted while this change was being made' },
  group_members_user_id_fkey: { code: 'request.invalid', message: 'A member given was deleted while this change was being made' },
};

function foreignKeyName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; constraint?: unknown; errcode?: unknown };
  if (e.code === '23503') return typeof e.constraint === 'string' ? e.constraint : 'unknown';
  // SQLITE_CONSTRAINT_FOREIGNKEY names no constraint (and SQLite's one writer makes it rare).
  if (e.errcode === 787) return 'unknown';
  return undefined;
}

function uniqueConstraintName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; constraint?: unknown; errcode?: unknown; message?: unknown };
  if (e.code === '23505' && typeof e.constraint === 'string') return e.constraint;
  // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555)
  if ((e.errcode === 2067 || e.errcode === 1555) && typeof e.message === 'string') {
    const columns = /UNIQUE constraint failed: (.+)$/.exec(e.message)?.[1]?.trim();
    return columns ? (CONSTRAINT_BY_SQLITE_COLUMNS[columns] ?? columns) : 'unknown';
  }
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return uniqueConstraintName(error) !== undefined;
}

/** Rethrows a unique or foreign-key violation as the AppError its constraint stands for; other errors unchanged. */
export function translateConstraintError(error: unknown): never {
  const reference = foreignKeyName(error);
  if (reference !== undefined) {
    const known = CODE_BY_FOREIGN_KEY[reference];
    throw new AppError(known?.code ?? 'request.not_found', known?.message ?? 'Something this change refers to was deleted meanwhile; fetch it again', { cause: error });
  }
  const name = uniqueConstraintName(error);
  if (name !== undefined) {
    const known = CODE_BY_CONSTRAINT[name];
    throw known
      ? new AppError(known.code, known.message, { cause: error })
      : new AppError('conflict.unique', 'The change conflicts with an existing record', { cause: error });
  }
  throw error;
}
