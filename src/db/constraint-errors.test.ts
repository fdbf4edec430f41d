import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { isUniqueViolation, translateConstraintError } from './constraint-errors.ts';

function translated(error: unknown): unknown {
  try {
    translateConstraintError(error);
  } catch (thrown) {
    return thrown;
  }
  throw new Error('translateConstraintError returned instead of throwing');
}

function pgUnique(constraint: string) {
  return Object.assign(new Error(`duplicate key value violates unique constraint "${constraint}"`), { code: '23505', constraint });
}

function sqliteError(errcode: number, message: string) {
  return Object.assign(new Error(message), { code: 'ERR_SQLITE_ERROR', errcode, errstr: 'constraint failed' });
}

describe('constraint error translation', () => {
  describe('PostgreSQL', () => {
    it.each([
      ['organizations_handle_key', 'organization.handle_in_use'],
      ['users_org_user_name_key', 'user.email_in_use'],
      ['groups_org_name_key', 'group.name_in_use'],
    ])('maps %s to %s (409), keeping the driver error as cause', (constraint, code) => {
      const original = pgUnique(constraint);
      const error = translated(original);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code, status: 409 });
      expect((error as AppError).cause).toBe(original);
      expect((error as AppError).message).not.toContain(constraint);
    });

    it('maps an unknown unique constraint to conflict.unique', () => {
      expect(translated(pgUnique('one_time_links_token_hash_key'))).toMatchObject({ code: 'conflict.unique', status: 409 });
    });

    it('works on a plain object of the driver’s shape', () => {
      expect(translated({ code: '23505', constraint: 'users_org_user_name_key' })).toMatchObject({ code: 'user.email_in_use' });
    });

    it('maps a foreign-key violation of a membership to the 400 of a missing group or member, any other to 404', () => {
      expect(translated({ code: '23503', constraint: 'group_members_group_id_fkey' })).toMatchObject({ code: 'request.invalid', status: 400 });
      expect(translated({ code: '23503', constraint: 'group_members_user_id_fkey' })).toMatchObject({ code: 'request.invalid', status: 400 });
      expect(translated({ code: '23503', constraint: 'users_org_id_fkey' })).toMatchObject({ code: 'request.not_found', status: 404 });
    });

    it('rethrows other errors unchanged', () => {
      const noConstraint = Object.assign(new Error('odd'), { code: '23505' });
      const check = Object.assign(new Error('check'), { code: '23514', constraint: 'users_user_type_check' });
      for (const original of [noConstraint, check]) expect(translated(original)).toBe(original);
    });
  });

  describe('SQLite', () => {
    it.each([
      ['UNIQUE constraint failed: organizations.handle', 'organization.handle_in_use'],
      ['UNIQUE constraint failed: users.org_id, users.user_name', 'user.email_in_use'],
      ['UNIQUE constraint failed: groups.org_id, groups.name_key', 'group.name_in_use'],
    ])('maps %j to %s (409)', (message, code) => {
      const original = sqliteError(2067, message);
      const error = translated(original);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code, status: 409 });
      expect((error as AppError).cause).toBe(original);
    });

    it('works on a plain object of the driver’s shape', () => {
      expect(translated({ errcode: 2067, message: 'UNIQUE constraint failed: users.org_id, users.user_name' })).toMatchObject({
        code: 'user.email_in_use',
      });
    });

    it('maps other unique and primary-key violations to conflict.unique', () => {
      expect(translated(sqliteError(2067, 'UNIQUE constraint failed: one_time_links.token_hash'))).toMatchObject({ code: 'conflict.unique' });
      expect(translated(sqliteError(1555, 'UNIQUE constraint failed: group_members.group_id, group_members.user_id'))).toMatchObject({
        code: 'conflict.unique',
      });
      expect(translated(sqliteError(2067, 'something unexpected'))).toMatchObject({ code: 'conflict.unique' });
    });

    it('maps a foreign-key violation (which names no constraint) to 404', () => {
      expect(translated(sqliteError(787, 'FOREIGN KEY constraint failed'))).toMatchObject({ code: 'request.not_found', status: 404 });
    });

    it('rethrows other errors unchanged', () => {
      const check = sqliteError(275, 'CHECK constraint failed: users_user_type_check');
      const notNull = sqliteError(1299, 'NOT NULL constraint failed: users.user_name');
      const noMessage = { errcode: 2067 };
      for (const original of [check, notNull, noMessage]) expect(translated(original)).toBe(original);
    });
  });

  it('rethrows non-database errors and non-objects unchanged', () => {
    const plain = new Error('boom');
    const appError = new AppError('user.not_found', 'no');
    for (const original of [plain, appError, 'text', 42, null, undefined]) expect(translated(original)).toBe(original);
  });

  it('recognises unique violations of both engines and nothing else', () => {
    expect(isUniqueViolation(pgUnique('anything'))).toBe(true);
    expect(isUniqueViolation(sqliteError(2067, 'UNIQUE constraint failed: t.c'))).toBe(true);
    expect(isUniqueViolation(sqliteError(1555, 'UNIQUE constraint failed: t.id'))).toBe(true);
    expect(isUniqueViolation(sqliteError(787, 'FOREIGN KEY constraint failed'))).toBe(false);
    expect(isUniqueViolation({ code: '23503', constraint: 'x' })).toBe(false);
    expect(isUniqueViolation(new Error('UNIQUE constraint failed: users.org_id, users.user_name'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(isUniqueViolation('23505')).toBe(false);
  });
});
