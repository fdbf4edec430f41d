// Issue 17: on a full disk SQLite writes answered 500 "cannot rollback - no transaction is
// active" (SQLite had ended the transaction itself, and the ROLLBACK after it hid the real
// error), readiness stayed 200 and the log never said the disk was full. The disk is filled here
// by capping the database's size (PRAGMA max_page_count): SQLite answers SQLITE_FULL exactly as
// on a full disk.
//
// SQLite only; PostgreSQL's disk is the database server's business.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createScimTestBed, newUser, scimClient, type ScimTestBed } from '../support/scim.ts';

describe.skipIf(process.env.DATABASE_URL)('a full disk under SQLite', () => {
  let bed: ScimTestBed;
  let acme: Awaited<ReturnType<typeof scimClient>>;
  let app: FastifyInstance;
  const logged: Array<{ level: number; msg: string }> = [];

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
    // An app of its own, logging to this test: the operator's view.
    app = await buildApp(bed.system, {
      logger: { level: 'warn', stream: { write: (line: string) => void logged.push(JSON.parse(line)) } },
    } as never);
  });
  afterAll(async () => {
    await app?.close();
    await bed?.close();
  });

  const create = (i: number) =>
    app.inject({
      method: 'POST',
      url: '/t/acme/scim2/Users',
      headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/scim+json' },
      payload: JSON.stringify(newUser(`full${i}@acme.test`, { displayName: 'x'.repeat(250), name: { givenName: 'g'.repeat(250), familyName: 'f'.repeat(250) } })),
    });

  it('answers 503 with Retry-After, says "disk full" in readiness and the log, and recovers when there is room', async () => {
    const { page_count: pages } = (await sql<{ page_count: number }>`pragma page_count`.execute(bed.system.db)).rows[0];
    await sql.raw(`pragma max_page_count = ${pages + 2}`).execute(bed.system.db);

    let full;
    for (let i = 0; i < 50 && !full; i += 1) {
      const res = await create(i);
      if (res.statusCode !== 201) full = res;
    }
    expect(full?.statusCode, full?.body).toBe(503);
    expect(full?.headers['retry-after']).toBe('5');
    expect(full?.body).not.toContain('cannot rollback');
    expect(logged.some((l) => l.msg === 'the database disk is full: writes fail until space is freed')).toBe(true);

    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'unavailable', reason: 'disk full' });

    // Room again: writes succeed at once (readiness follows within DISK_FULL_NOT_READY_MS).
    await sql.raw('pragma max_page_count = 1073741823').execute(bed.system.db);
    expect((await create(1000)).statusCode).toBe(201);
  });
});
