// Generates the benchmark organization's users directly in PostgreSQL (server-side, with
// generate_series: a million rows take about a minute, far faster than a million API calls).
// Users look like a real customer base: distinct emails, 1,000 family names, 200 given names,
// creation times spread over the past years, a secondary address for every tenth user.
//
// Used by bench/scim-users.ts; run alone to (re)fill a database:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench USERS=1000000 npx node bench/scim-data.ts

import pg from 'pg';

const FAMILY_BASES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes',
  'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper',
  'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson',
  'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes',
  'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez',
];
const FAMILY_SUFFIXES = ['', 'son', 'er', 'ley', 'ford', 'man', 'ton', 'well', 'ridge', 'by'];
const GIVEN_NAMES = [
  'Ann', 'Ben', 'Cara', 'Dan', 'Eva', 'Finn', 'Gia', 'Hugo', 'Ida', 'Jon', 'Kai', 'Lea', 'Max', 'Nia', 'Oli', 'Pia', 'Quin', 'Rae', 'Sam', 'Tia',
];

export const FAMILY_NAMES = FAMILY_BASES.flatMap((base) => FAMILY_SUFFIXES.map((suffix) => base + suffix));
export const BENCH_DOMAIN = 'bench.test';

export function userNameOf(i: number): string {
  return `user${i}@${BENCH_DOMAIN}`;
}

/** Inserts users 1..count for the organization, in batches so progress shows and WAL stays bounded. */
export async function generateUsers(client: pg.Client, orgId: string, count: number, log: (line: string) => void): Promise<void> {
  const batch = 100_000;
  const given = GIVEN_NAMES.flatMap((g) => Array.from({ length: 10 }, (_, i) => `${g}${i === 0 ? '' : 'a'.repeat(i)}`));
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    const started = Date.now();
    await client.query('begin');
    await client.query(
      `insert into users (id, org_id, user_name, given_name, family_name, user_type, admin_role, account_state,
                          email_verified, created_at, modified_at, version, external_id, display_name, enterprise_json)
       select md5($1 || i::text)::uuid::text, $1, 'user' || i || '@${BENCH_DOMAIN}',
              ($2::text[])[1 + i % array_length($2::text[], 1)],
              ($3::text[])[1 + (i / 7) % array_length($3::text[], 1)],
              'customer', null, 'active', true,
              timestamptz '2022-01-01' + (i * interval '90 seconds'),
              timestamptz '2022-01-01' + (i * interval '90 seconds'),
              1, 'ext-' || i, null, null
       from generate_series($4::int, $5::int) as i`,
      [orgId, given, FAMILY_NAMES, from, to],
    );
    await client.query(
      `insert into user_emails (user_id, org_id, value, type, is_primary)
       select md5($1 || i::text)::uuid::text, $1, 'user' || i || '@${BENCH_DOMAIN}', 'work', true
       from generate_series($2::int, $3::int) as i
       union all
       select md5($1 || i::text)::uuid::text, $1, 'u' || i || '.home@example.org', 'home', false
       from generate_series($2::int, $3::int) as i where i % 10 = 0`,
      [orgId, from, to],
    );
    await client.query('commit');
    log(`  users ${from}..${to} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await client.query('analyze users');
  await client.query('analyze user_emails');
}
