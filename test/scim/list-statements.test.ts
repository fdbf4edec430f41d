// Issue 16, item 2: a list whose page is not full already knows its total, so it does not run
// the filter a second time as a count. The statement log of the test database shows what each
// list request executed: the token read, the page, and the page's emails, groups and
// temporary-password flags, plus a count only when the page is full (or empty past the end).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, GROUP_SCHEMA, newUser, scimClient, type ScimTestBed } from '../support/scim.ts';

describe('statements of a SCIM list request', () => {
  let bed: ScimTestBed;
  let acme: Awaited<ReturnType<typeof scimClient>>;
  // The owner and five customers: six users whose userName contains "acme.test".
  const MATCHING = 6;
  const CONTAINS = `filter=${encodeURIComponent('userName co "acme.test"')}`;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
    for (let i = 0; i < MATCHING - 1; i++) expect((await acme.request('POST', '/Users', newUser(`u${i}@acme.test`))).statusCode).toBe(201);
    for (const name of ['Sales', 'Support']) expect((await acme.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: name })).statusCode).toBe(201);
  });
  afterAll(() => bed.close());

  async function listed(path: string, table = 'users') {
    let body: { totalResults?: number; Resources?: unknown[]; nextCursor?: string } = {};
    const statements = await bed.system.database.statements.during(async () => {
      const res = await acme.request('GET', path);
      expect(res.statusCode, res.body).toBe(200);
      body = res.json();
    });
    // Every statement that reads the listed table itself: the page, and the count if any.
    const reads = statements.filter((sql) => sql.includes(`from "${table}"`));
    const counts = reads.filter((sql) => /\bcount\(/i.test(sql));
    return { body, statements, reads, counts };
  }

  it('a filtered first page that is not full runs the filter once, and reports the rows as the total', async () => {
    const { body, reads, counts, statements } = await listed(`/Users?${CONTAINS}&count=10`);
    expect(body.totalResults).toBe(MATCHING);
    expect(body.Resources).toHaveLength(MATCHING);
    expect(reads.filter((sql) => sql.includes('"user_name" like'))).toHaveLength(1);
    expect(counts).toHaveLength(0);
    // The token and the page; on SQLite the page's emails, groups and temporary-password flags
    // are a statement each, on PostgreSQL a first page folds them into its own (listWithDetails).
    expect(statements).toHaveLength(bed.system.database.engine === 'postgresql' ? 2 : 5);
  });

  it('an unfiltered first page that is not full does not count either', async () => {
    const { body, reads, counts } = await listed('/Users?count=50');
    expect(body.totalResults).toBe(MATCHING);
    expect(reads).toHaveLength(1);
    expect(counts).toHaveLength(0);
  });

  it('a later index page that is not full knows its total: the rows skipped plus the rows returned', async () => {
    const { body, counts } = await listed(`/Users?${CONTAINS}&startIndex=5&count=10`);
    expect(body.Resources).toHaveLength(2);
    expect(body.totalResults).toBe(MATCHING);
    expect(counts).toHaveLength(0);
  });

  it('a full page counts, once, and reports the whole total', async () => {
    const { body, reads, counts } = await listed(`/Users?${CONTAINS}&count=2`);
    expect(body.Resources).toHaveLength(2);
    expect(body.totalResults).toBe(MATCHING);
    expect(reads).toHaveLength(2);
    expect(counts).toHaveLength(1);
  });

  it('an empty page past the end counts: it says nothing of the rows skipped', async () => {
    const { body, counts } = await listed(`/Users?${CONTAINS}&startIndex=20&count=10`);
    expect(body.Resources).toHaveLength(0);
    expect(body.totalResults).toBe(MATCHING);
    expect(counts).toHaveLength(1);
  });

  it('count=0 asks only for the total: one count, no page', async () => {
    const { body, reads, counts } = await listed(`/Users?${CONTAINS}&count=0`);
    expect(body.totalResults).toBe(MATCHING);
    expect(reads).toHaveLength(1);
    expect(counts).toHaveLength(1);
  });

  it('a cursor traversal counts at most once: not on a first page that is not full, once on a full one, never after', async () => {
    const whole = await listed(`/Users?${CONTAINS}&cursor=&count=10`);
    expect(whole.body.totalResults).toBe(MATCHING);
    expect(whole.body.nextCursor).toBeUndefined();
    expect(whole.counts).toHaveLength(0);

    const first = await listed(`/Users?${CONTAINS}&cursor=&count=4`);
    expect(first.body.totalResults).toBe(MATCHING);
    expect(first.counts).toHaveLength(1);
    const second = await listed(`/Users?${CONTAINS}&cursor=${encodeURIComponent(first.body.nextCursor!)}&count=4`);
    expect(second.body.Resources).toHaveLength(2);
    expect(second.body.totalResults).toBe(MATCHING);
    expect(second.counts).toHaveLength(0);
  });

  it('lists groups the same way: a page that is not full is not counted', async () => {
    const notFull = await listed('/Groups?count=10', 'groups');
    expect(notFull.body.totalResults).toBe(2);
    expect(notFull.counts).toHaveLength(0);
    const full = await listed('/Groups?count=1', 'groups');
    expect(full.body.totalResults).toBe(2);
    expect(full.counts).toHaveLength(1);
  });
});
