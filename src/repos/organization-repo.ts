import type { Kysely, Selectable } from 'kysely';
import type { Database, OrganizationsTable } from '../db/schema.ts';
import { toDate } from '../db/values.ts';
import { translateConstraintError } from '../db/constraint-errors.ts';

export interface Organization {
  id: string;
  handle: string;
  displayName: string;
  createdAt: Date;
  updatedAt: Date;
}

function toOrganization(row: Selectable<OrganizationsTable>): Organization {
  return {
    id: row.id,
    handle: row.handle,
    displayName: row.display_name,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function createOrganizationRepo(db: Kysely<Database>) {
  return {
    async insert(org: Organization): Promise<void> {
      await db
        .insertInto('organizations')
        .values({ id: org.id, handle: org.handle, display_name: org.displayName, created_at: org.createdAt, updated_at: org.updatedAt })
        .execute()
        .catch(translateConstraintError);
    },

    async findByHandle(handle: string): Promise<Organization | undefined> {
      const row = await db.selectFrom('organizations').selectAll().where('handle', '=', handle).executeTakeFirst();
      return row && toOrganization(row);
    },

    async findById(id: string): Promise<Organization | undefined> {
      const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toOrganization(row);
    },

    async count(): Promise<number> {
      const row = await db.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type OrganizationRepo = ReturnType<typeof createOrganizationRepo>;
