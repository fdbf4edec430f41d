import type { Kysely, Selectable } from 'kysely';
import type { ApplicationsTable, Database } from '../db/schema.ts';
import { toDate } from '../db/values.ts';

export type ApplicationType = ApplicationsTable['app_type'];

/** An application as everyone but the credentials repo sees it: no secret hash. */
export interface Application {
  id: string;
  orgId: string;
  name: string;
  type: ApplicationType;
  hasSecret: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface NewApplication extends Omit<Application, 'hasSecret'> {
  clientSecretHash: string | null;
}

const PUBLIC_COLUMNS = [
  'id',
  'org_id',
  'name',
  'app_type',
  'redirect_uris',
  'post_logout_redirect_uris',
  'scopes',
  'created_at',
  'updated_at',
] as const;

type PublicRow = Pick<Selectable<ApplicationsTable>, (typeof PUBLIC_COLUMNS)[number]> & { has_secret: number | boolean };

function toApplication(row: PublicRow): Application {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    type: row.app_type,
    hasSecret: row.has_secret === true || row.has_secret === 1,
    redirectUris: JSON.parse(row.redirect_uris),
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris),
    scopes: row.scopes === '' ? [] : row.scopes.split(' '),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function createApplicationRepo(db: Kysely<Database>) {
  const selectPublic = () =>
    db
      .selectFrom('applications')
      .select(PUBLIC_COLUMNS)
      .select((eb) => eb('client_secret_hash', 'is not', null).as('has_secret'));

  return {
    async insert(app: NewApplication): Promise<void> {
      await db
        .insertInto('applications')
        .values({
          id: app.id,
          org_id: app.orgId,
          name: app.name,
          app_type: app.type,
          client_secret_hash: app.clientSecretHash,
          redirect_uris: JSON.stringify(app.redirectUris),
          post_logout_redirect_uris: JSON.stringify(app.postLogoutRedirectUris),
          scopes: app.scopes.join(' '),
          created_at: app.createdAt,
          updated_at: app.updatedAt,
        })
        .execute();
    },

    async findById(orgId: string, id: string): Promise<Application | undefined> {
      const row = await selectPublic().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return row && toApplication(row as PublicRow);
    },

    async listForOrganization(orgId: string): Promise<Application[]> {
      const rows = await selectPublic().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => toApplication(r as PublicRow));
    },
  };
}

export type ApplicationRepo = ReturnType<typeof createApplicationRepo>;
