// Each organization's OpenID Provider key material: the private JWKs that sign its tokens and
// the keys that sign its cookies. Kept in the database so every instance signs and verifies
// alike.

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface SigningKey {
  kid: string;
  algorithm: string;
  privateJwk: Record<string, unknown>;
  createdAt: Date;
}

export function createProviderKeyRepo(db: Kysely<Database>) {
  return {
    async insertSigningKey(orgId: string, key: SigningKey): Promise<void> {
      await db
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          org_id: orgId,
          algorithm: key.algorithm,
          private_jwk: JSON.stringify(key.privateJwk),
          created_at: key.createdAt,
        })
        .execute();
    },

    /** Newest first: the provider signs with the first key and publishes them all. */
    async listSigningKeys(orgId: string): Promise<SigningKey[]> {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at', 'desc')
        .orderBy('kid')
        .execute();
      return rows.map((r) => ({
        kid: r.kid,
        algorithm: r.algorithm,
        privateJwk: JSON.parse(r.private_jwk),
        createdAt: new Date(r.created_at),
      }));
    },

    async insertCookieKeys(orgId: string, keys: string[]): Promise<void> {
      await db.insertInto('organization_secrets').values({ org_id: orgId, cookie_keys: JSON.stringify(keys) }).execute();
    },

    async findCookieKeys(orgId: string): Promise<string[] | undefined> {
      const row = await db.selectFrom('organization_secrets').select('cookie_keys').where('org_id', '=', orgId).executeTakeFirst();
      return row && JSON.parse(row.cookie_keys);
    },
  };
}

export type ProviderKeyRepo = ReturnType<typeof createProviderKeyRepo>;
