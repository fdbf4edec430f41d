// Where a user sits in a keyset traversal of the user list: the value of the sort column, as the
// repository compares it, beside the id that breaks ties. SCIM cursors and exports both resume
// from it.

import type { User, UserSortColumn } from '../repos/user-repo.ts';

export function userSortValue(user: User, column: UserSortColumn): string | Date | null {
  switch (column) {
    case 'created_at':
      return user.createdAt;
    case 'modified_at':
      return user.modifiedAt;
    case 'user_name':
      return user.userName;
    // The raw value (null for none): the repository derives the sort key from it in SQL.
    case 'family_name':
      return user.familyName ?? null;
    case 'given_name':
      return user.givenName ?? null;
    case 'display_name':
      return user.displayName || [user.givenName, user.familyName].filter(Boolean).join(' ') || null;
    case 'external_id':
      return user.externalId ?? null;
    case 'id':
      return user.id;
  }
}

export function userSortPosition(user: User, column: UserSortColumn): { value: string | Date | null; id: string } {
  return { value: userSortValue(user, column), id: user.id };
}
