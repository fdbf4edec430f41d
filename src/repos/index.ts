// All repositories over one connection or one transaction. Services run multi-row changes
// through `transaction`, which hands them the same repositories bound to the transaction.

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { createOrganizationRepo } from './organization-repo.ts';
import { createUserRepo } from './user-repo.ts';
import { createGroupRepo } from './group-repo.ts';
import { createCredentialRepo } from './credential-repo.ts';
import { createAuditRepo } from './audit-repo.ts';
import { createApplicationRepo } from './application-repo.ts';
import { createOidcPayloadRepo } from './oidc-payload-repo.ts';
import { createProviderKeyRepo } from './provider-key-repo.ts';
import { createLinkRepo } from './link-repo.ts';
import { createSettingsRepo } from './settings-repo.ts';
import { createOutboxRepo } from './outbox-repo.ts';
import { createRegistrationRepo } from './registration-repo.ts';
import { createIdempotencyRepo } from './idempotency-repo.ts';
import { createJobRepo } from './job-repo.ts';

function bindRepos(db: Kysely<Database>) {
  return {
    organizations: createOrganizationRepo(db),
    users: createUserRepo(db),
    groups: createGroupRepo(db),
    credentials: createCredentialRepo(db),
    audit: createAuditRepo(db),
    applications: createApplicationRepo(db),
    oidcPayloads: createOidcPayloadRepo(db),
    providerKeys: createProviderKeyRepo(db),
    links: createLinkRepo(db),
    settings: createSettingsRepo(db),
    outbox: createOutboxRepo(db),
    registrations: createRegistrationRepo(db),
    idempotency: createIdempotencyRepo(db),
    jobs: createJobRepo(db),
  };
}

export type RepoSet = ReturnType<typeof bindRepos>;

/** The repositories of one open transaction, which can also undo part of it. */
export interface TransactionRepos extends RepoSet {
  /**
   * Runs `work` inside a savepoint: if it throws, what it wrote is rolled back (the rest of the
   * transaction stays) and the error goes on; if it succeeds, its writes stay in the transaction.
   */
  savepoint<T>(work: () => Promise<T>): Promise<T>;
}

let savepoints = 0;

function bindTransaction(trx: Transaction<Database>): TransactionRepos {
  return {
    ...bindRepos(trx),
    async savepoint(work) {
      savepoints += 1;
      const name = sql.id(`sp_${savepoints}`);
      await sql`savepoint ${name}`.execute(trx);
      let result;
      try {
        result = await work();
      } catch (error) {
        await sql`rollback to savepoint ${name}`.execute(trx);
        await sql`release savepoint ${name}`.execute(trx);
        throw error;
      }
      await sql`release savepoint ${name}`.execute(trx);
      return result;
    },
  };
}

export interface Repos extends RepoSet {
  transaction<T>(work: (repos: TransactionRepos) => Promise<T>): Promise<T>;
  /** Answers when the database does: used by the readiness probe. */
  ping(): Promise<void>;
}

export function createRepos(db: Kysely<Database>): Repos {
  return {
    ...bindRepos(db),
    transaction: (work) => db.transaction().execute((trx) => work(bindTransaction(trx))),
    ping: async () => {
      await db.selectFrom('organizations').select('id').limit(1).execute();
    },
  };
}
