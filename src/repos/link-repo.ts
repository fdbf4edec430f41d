// One-time links (first-run setup, set-password): only the SHA-256 of the token is stored,
// and consuming is a single conditional UPDATE so that of many parallel uses one wins.

import type { Kysely } from 'kysely';
import type { Database, OneTimeLinksTable } from '../db/schema.ts';
import { toDate } from '../db/values.ts';

export type LinkPurpose = OneTimeLinksTable['purpose'];

export interface OneTimeLink {
  id: string;
  orgId: string | null;
  userId: string | null;
  purpose: LinkPurpose;
  expiresAt: Date;
  consumed: boolean;
}

export function createLinkRepo(db: Kysely<Database>) {
  return {
    async insert(link: Omit<OneTimeLink, 'consumed'> & { tokenHash: string; createdAt: Date }): Promise<void> {
      await db
        .insertInto('one_time_links')
        .values({
          id: link.id,
          org_id: link.orgId,
          user_id: link.userId,
          purpose: link.purpose,
          token_hash: link.tokenHash,
          expires_at: link.expiresAt,
          consumed_at: null,
          created_at: link.createdAt,
        })
        .execute();
    },

    async findByTokenHash(purpose: LinkPurpose, tokenHash: string): Promise<OneTimeLink | undefined> {
      const row = await db
        .selectFrom('one_time_links')
        .select(['id', 'org_id', 'user_id', 'purpose', 'expires_at', 'consumed_at'])
        .where('purpose', '=', purpose)
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          orgId: row.org_id,
          userId: row.user_id,
          purpose: row.purpose,
          expiresAt: toDate(row.expires_at),
          consumed: row.consumed_at !== null,
        }
      );
    },

    /** Marks the link used; false if it was already used or has expired (someone else won). */
    async consume(id: string, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('one_time_links')
        .set({ consumed_at: now })
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Expires every unused link of a purpose (for a user, or org-less ones such as first-run). */
    /** Voids the unused links of one purpose, or of several at once, of a user (or of nobody: `null`). */
    async revokeUnused(purpose: LinkPurpose | readonly LinkPurpose[], userId: string | null, now: Date): Promise<void> {
      const purposes = typeof purpose === 'string' ? [purpose] : [...purpose];
      let query = db.updateTable('one_time_links').set({ consumed_at: now }).where('purpose', 'in', purposes).where('consumed_at', 'is', null);
      query = userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', userId);
      await query.execute();
    },
  };
}

export type LinkRepo = ReturnType<typeof createLinkRepo>;
