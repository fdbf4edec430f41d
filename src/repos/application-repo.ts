import type { Kysely, Selectable } from 'kysely';
import type { ApplicationsTable, Database } from '../db/schema.ts';
import { toBool, toDate } from '../db/values.ts';

export type ApplicationType = ApplicationsTable['app_type'];
export type BuiltInApplication = NonNullable<ApplicationsTable['built_in']>;

/** An application as everyone but the credentials repo sees it: no secret hash. */
export interface Application {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  type: ApplicationType;
  builtIn: BuiltInApplication | null;
  hasSecret: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Origins allowed to call this organization's endpoints from a browser (CORS), besides the redirect URIs'. */
  allowedOrigins: string[];
  scopes: string[];
  /** When true only members of `allowedGroupIds` may sign in to it. */
  accessRestricted: boolean;
  allowedGroupIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface NewApplication extends Omit<Application, 'hasSecret' | 'allowedOrigins'> {
  allowedOrigins?: string[];
  clientSecretHash: string | null;
}

export type ApplicationChanges = Partial<Pick<Application, 'name' | 'description' | 'redirectUris' | 'postLogoutRedirectUris' | 'allowedOrigins' | 'scopes' | 'accessRestricted'>>;

export const APPLICATION_COLUMNS = [
  'id',
  'org_id',
  'name',
  'description',
  'app_type',
  'built_in',
  'redirect_uris',
  'post_logout_redirect_uris',
  'allowed_origins',
  'scopes',
  'access_restricted',
  'created_at',
  'updated_at',
] as const;

export type ApplicationRow = Pick<Selectable<ApplicationsTable>, (typeof APPLICATION_COLUMNS)[number]> & { has_secret: number | boolean };

function toApplication(row: ApplicationRow, allowedGroupIds: string[]): Application {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    type: row.app_type,
    builtIn: row.built_in,
    hasSecret: toBool(row.has_secret),
    redirectUris: JSON.parse(row.redirect_uris),
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris),
    allowedOrigins: JSON.parse(row.allowed_origins),
    scopes: row.scopes === '' ? [] : row.scopes.split(' '),
    accessRestricted: toBool(row.access_restricted),
    allowedGroupIds,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

async function groupsOf(db: Kysely<Database>, appIds: string[]): Promise<Map<string, string[]>> {
  const byApp = new Map<string, string[]>(appIds.map((id) => [id, []]));
  if (appIds.length === 0) return byApp;
  const rows = await db.selectFrom('application_groups').select(['application_id', 'group_id']).where('application_id', 'in', appIds).orderBy('group_id').execute();
  for (const row of rows) byApp.get(row.application_id)?.push(row.group_id);
  return byApp;
}

// Only a restricted application has allowed groups (the service keeps it so), which spares
// the hot path (every client lookup) a query for the usual, unrestricted application.
/** Rows to applications, with the allowed groups of the restricted ones. */
export async function applicationsFromRows(db: Kysely<Database>, rows: ApplicationRow[]): Promise<Application[]> {
  const groups = await groupsOf(db, rows.filter((r) => toBool(r.access_restricted)).map((r) => r.id));
  return rows.map((row) => toApplication(row, groups.get(row.id) ?? []));
}

export function createApplicationRepo(db: Kysely<Database>) {
  const hydrate = (rows: ApplicationRow[]) => applicationsFromRows(db, rows);
  const selectPublic = () =>
    db
      .selectFrom('applications')
      .select(APPLICATION_COLUMNS)
      .select((eb) => eb('client_secret_hash', 'is not', null).as('has_secret'));

  return {
    async insert(app: NewApplication): Promise<void> {
      await db
        .insertInto('applications')
        .values({
          id: app.id,
          org_id: app.orgId,
          name: app.name,
          description: app.description,
          app_type: app.type,
          built_in: app.builtIn,
          client_secret_hash: app.clientSecretHash,
          redirect_uris: JSON.stringify(app.redirectUris),
          post_logout_redirect_uris: JSON.stringify(app.postLogoutRedirectUris),
          allowed_origins: JSON.stringify(app.allowedOrigins ?? []),
          scopes: app.scopes.join(' '),
          access_restricted: app.accessRestricted,
          created_at: app.createdAt,
          updated_at: app.updatedAt,
        })
        .execute();
      await this.setAllowedGroups(app.orgId, app.id, app.allowedGroupIds);
    },

    async findById(orgId: string, id: string): Promise<Application | undefined> {
      const row = await selectPublic().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return row && (await hydrate([row as ApplicationRow]))[0];
    },

    async findBuiltIn(orgId: string, builtIn: BuiltInApplication): Promise<Application | undefined> {
      const row = await selectPublic().where('org_id', '=', orgId).where('built_in', '=', builtIn).executeTakeFirst();
      return row && (await hydrate([row as ApplicationRow]))[0];
    },

    async listForOrganization(orgId: string): Promise<Application[]> {
      const rows = await selectPublic().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
      return hydrate(rows as ApplicationRow[]);
    },

    async update(orgId: string, id: string, changes: ApplicationChanges, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('applications')
        .set({
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.description !== undefined && { description: changes.description }),
          ...(changes.redirectUris !== undefined && { redirect_uris: JSON.stringify(changes.redirectUris) }),
          ...(changes.postLogoutRedirectUris !== undefined && { post_logout_redirect_uris: JSON.stringify(changes.postLogoutRedirectUris) }),
          ...(changes.allowedOrigins !== undefined && { allowed_origins: JSON.stringify(changes.allowedOrigins) }),
          ...(changes.scopes !== undefined && { scopes: changes.scopes.join(' ') }),
          ...(changes.accessRestricted !== undefined && { access_restricted: changes.accessRestricted }),
          updated_at: now,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async setAllowedGroups(orgId: string, id: string, groupIds: string[]): Promise<void> {
      await db.deleteFrom('application_groups').where('org_id', '=', orgId).where('application_id', '=', id).execute();
      const unique = [...new Set(groupIds)];
      if (unique.length > 0) {
        await db
          .insertInto('application_groups')
          .values(unique.map((groupId) => ({ application_id: id, group_id: groupId, org_id: orgId })))
          .execute();
      }
    },

    async setClientSecretHash(orgId: string, id: string, hash: string, now: Date): Promise<void> {
      await db.updateTable('applications').set({ client_secret_hash: hash, updated_at: now }).where('org_id', '=', orgId).where('id', '=', id).execute();
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('applications').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** What the organization's browser origins derive from: every application's redirect URIs and allowed origins. */
    async listOriginSources(orgId: string): Promise<{ redirectUris: string[]; allowedOrigins: string[] }[]> {
      const rows = await db.selectFrom('applications').select(['redirect_uris', 'allowed_origins']).where('org_id', '=', orgId).execute();
      return rows.map((row) => ({ redirectUris: JSON.parse(row.redirect_uris), allowedOrigins: JSON.parse(row.allowed_origins) }));
    },

    /** Whether the user belongs to at least one of the application's allowed groups. */
    async isMemberOfAllowedGroup(orgId: string, applicationId: string, userId: string): Promise<boolean> {
      const row = await db
        .selectFrom('application_groups')
        .innerJoin('group_members', 'group_members.group_id', 'application_groups.group_id')
        .select('application_groups.group_id')
        .where('application_groups.org_id', '=', orgId)
        .where('application_groups.application_id', '=', applicationId)
        .where('group_members.user_id', '=', userId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type ApplicationRepo = ReturnType<typeof createApplicationRepo>;
