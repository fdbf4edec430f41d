// Which accounts were made through self-registration, and whether their address has been
// proven since. An unverified one may have been made by someone who does not own the address.

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export function createRegistrationRepo(db: Kysely<Database>) {
  return {
    async insert(orgId: string, userId: string, now: Date): Promise<void> {
      await db.insertInto('self_registrations').values({ org_id: orgId, user_id: userId, registered_at: now, verified_at: null }).execute();
    },

    /** True when the user registered themselves and nobody has proven the address since. */
    async isUnverified(orgId: string, userId: string): Promise<boolean> {
      const row = await db
        .selectFrom('self_registrations')
        .select('user_id')
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .where('verified_at', 'is', null)
        .executeTakeFirst();
      return row !== undefined;
    },

    async markVerified(orgId: string, userId: string, now: Date): Promise<void> {
      await db
        .updateTable('self_registrations')
        .set({ verified_at: now })
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .where('verified_at', 'is', null)
        .execute();
    },
  };
}

export type RegistrationRepo = ReturnType<typeof createRegistrationRepo>;
