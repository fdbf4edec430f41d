// How many users an organization has, of each type, kept by the database itself: a row per
// (organization, user type) that triggers on `users` change in the same transaction as the
// insert, delete or change of type, whatever code path made it. The first page of an unfiltered
// list (and the Console's, which filters only by `userType`) reads its total here instead of
// counting every row: at a million users `count(*)` read about 16k buffers on every load
// (issue 16 item 2). Both engines run the same statements inside their trigger bodies.
//
// A trigger rather than code in each service: users are created by SCIM, the Console, sign-up,
// invitations of administrators and organization set-up, and deleted by SCIM, the Console and
// cascades; a counter one of them forgot would drift silently. The cost is one row lock on the
// organization's counter per create or delete, held until that transaction commits.

import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';

const increment = (org: string, type: string) => sql.raw(
  `insert into user_counts (org_id, user_type, user_count) values (${org}, ${type}, 1)
   on conflict (org_id, user_type) do update set user_count = user_counts.user_count + 1`,
);
const decrement = (org: string, type: string) => sql.raw(`update user_counts set user_count = user_count - 1 where org_id = ${org} and user_type = ${type}`);

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_counts')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_type', 'text', (c) => c.notNull())
    .addColumn('user_count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_counts_pk', ['org_id', 'user_type'])
    .execute();
  await sql`insert into user_counts (org_id, user_type, user_count) select org_id, user_type, count(*) from users group by org_id, user_type`.execute(db);

  if (isPostgres(db)) {
    await sql`
      create function users_count_change() returns trigger language plpgsql as $$
      begin
        if tg_op in ('DELETE', 'UPDATE') then ${decrement('old.org_id', 'old.user_type')}; end if;
        if tg_op in ('INSERT', 'UPDATE') then ${increment('new.org_id', 'new.user_type')}; end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger users_count_insert_delete after insert or delete on users for each row execute function users_count_change()`.execute(db);
    await sql`create trigger users_count_type_change after update of user_type on users for each row when (old.user_type is distinct from new.user_type) execute function users_count_change()`.execute(db);
    return;
  }
  await sql`create trigger users_count_insert after insert on users begin ${increment('new.org_id', 'new.user_type')}; end`.execute(db);
  await sql`create trigger users_count_delete after delete on users begin ${decrement('old.org_id', 'old.user_type')}; end`.execute(db);
  await sql`
    create trigger users_count_type_change after update of user_type on users when old.user_type is not new.user_type begin
      ${decrement('old.org_id', 'old.user_type')};
      ${increment('new.org_id', 'new.user_type')};
    end`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore a backup instead.');
}
