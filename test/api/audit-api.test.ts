// The audit log API: an organization's own events only, newest first, filters that combine,
// and cursor paging that neither skips nor repeats events sharing a timestamp.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createScimTestBed, newUser, scimClient, type ScimTestBed } from '../support/scim.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

interface EventJson {
  id: string;
  occurredAt: string;
  actor: { type: string; id: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  before: unknown;
  after: unknown;
  requestId: string | null;
  clientIp: string | null;
}

describe('audit events API', () => {
  let bed: ScimTestBed;
  let acme: Client;
  let globex: Client;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
    globex = await scimClient(bed, 'globex');
  });
  afterAll(() => bed.close());

  const get = (query: Record<string, string | number> = {}, client: Client = acme, handle = 'acme'): Promise<LightMyRequestResponse> =>
    bed.app.inject({
      method: 'GET',
      url: `/t/${handle}/api/server/v1/audit-events?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`,
      headers: { authorization: `Bearer ${client.token}` },
    });

  async function all(query: Record<string, string | number>): Promise<EventJson[]> {
    const events: EventJson[] = [];
    let cursor: string | null = null;
    do {
      const res = await get({ ...query, ...(cursor && { cursor }) });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { events: EventJson[]; nextCursor: string | null };
      events.push(...body.events);
      cursor = body.nextCursor;
    } while (cursor);
    return events;
  }

  it('lists the changes made through the APIs with who, what, when and from where', async () => {
    const created = await acme.request('POST', '/Users', newUser('ann@acme.test'));
    expect(created.statusCode).toBe(201);
    const userId = created.json().id as string;
    const patched = await bed.app.inject({
      method: 'PATCH',
      url: '/t/acme/api/server/v1/settings',
      headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ passwordMinLength: 10 }),
    });
    expect(patched.statusCode).toBe(200);

    const res = await get();
    expect(res.statusCode).toBe(200);
    const { events, nextCursor } = res.json() as { events: EventJson[]; nextCursor: string | null };
    expect(nextCursor).toBeNull();
    expect(events[0]).toMatchObject({
      action: 'organization.settings_updated',
      actor: { type: 'application', id: acme.clientId },
      target: { type: 'organization', id: acme.organization.id },
      before: expect.objectContaining({ passwordMinLength: 8 }),
      after: expect.objectContaining({ passwordMinLength: 10 }),
      requestId: expect.any(String),
      clientIp: expect.any(String),
    });
    expect(events[1]).toMatchObject({ action: 'user.created', target: { type: 'user', id: userId } });
    // Newest first.
    const times = events.map((e) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("never shows another organization's events, nor the server's own", async () => {
    expect((await globex.request('POST', '/Users', newUser('gus@globex.test'))).statusCode).toBe(201);
    await bed.system.repos.audit.record({ orgId: null, occurredAt: new Date(), actorType: 'system', action: 'server.started' });

    const acmeEvents = await all({});
    expect(acmeEvents.some((e) => e.action === 'server.started')).toBe(false);
    const own = await bed.system.repos.audit.listForOrganization(acme.organization.id, 1000);
    expect(acmeEvents.map((e) => e.id).sort()).toEqual(own.map((e) => e.id).sort());

    const globexEvents = (await get({}, globex, 'globex')).json().events as EventJson[];
    expect(globexEvents.some((e) => e.target.type === 'user')).toBe(true);
    expect(globexEvents.some((e) => acmeEvents.some((a) => a.id === e.id))).toBe(false);
    // Filtering by another organization's ids finds nothing either.
    const gus = globexEvents.find((e) => e.action === 'user.created')!;
    expect((await get({ targetId: gus.target.id! })).json().events).toEqual([]);
    // A token is good for its own organization only.
    expect((await get({}, globex, 'acme')).statusCode).toBe(401);
  });

  it('pages by cursor through events that share timestamps, without gaps or repeats', async () => {
    const base = Date.parse('2020-03-01T00:00:00.000Z');
    // 23 instants, 11 events at each: ties inside and across page boundaries.
    for (let i = 0; i < 253; i += 1) {
      await bed.system.repos.audit.record({
        orgId: acme.organization.id,
        occurredAt: new Date(base + Math.floor(i / 11) * 1000),
        actorType: 'user',
        actorId: i % 2 === 0 ? 'actor-even' : 'actor-odd',
        action: 'test.paged',
        targetType: 'user',
        targetId: `target-${i % 3}`,
      });
    }
    const pages: number[] = [];
    const seen: EventJson[] = [];
    let cursor: string | null = null;
    do {
      const res = await get({ action: 'test.paged', limit: 40, ...(cursor && { cursor }) });
      const body = res.json() as { events: EventJson[]; nextCursor: string | null };
      pages.push(body.events.length);
      seen.push(...body.events);
      cursor = body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([40, 40, 40, 40, 40, 40, 13]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(253);
    const order = seen.map((e) => `${e.occurredAt}|${e.id}`);
    expect([...order].sort().reverse()).toEqual(order);

    // An exact page size ends with a null cursor rather than an empty page.
    const exact = await get({ action: 'test.paged', actorId: 'actor-even', targetId: 'target-0', limit: 43 });
    expect(exact.json().events).toHaveLength(43);
    expect(exact.json().nextCursor).toBeNull();
  });

  it('filters by action or action prefix, actor, target and time range, all combined', async () => {
    expect((await all({ action: 'test.paged' })).length).toBe(253);
    expect((await all({ action: 'test.*' })).length).toBe(253);
    expect((await all({ action: 'test.' })).length).toBe(0);
    expect((await all({ action: 'user.*' })).every((e) => e.action.startsWith('user.'))).toBe(true);
    // A prefix is literal: % and _ are not wildcards.
    expect((await all({ action: 'test%*' })).length).toBe(0);
    expect((await all({ action: 'test_paged' })).length).toBe(0);

    const even = await all({ actorId: 'actor-even' });
    expect(even).toHaveLength(127);
    expect(even.every((e) => e.actor.id === 'actor-even')).toBe(true);
    expect(await all({ actorId: 'actor-odd', targetId: 'target-1' })).toHaveLength(42);

    // from inclusive, to exclusive: instants 2 to 4 are 33 events.
    const ranged = await all({ action: 'test.paged', from: '2020-03-01T00:00:02Z', to: '2020-03-01T00:00:05.000Z' });
    expect(ranged).toHaveLength(33);
    expect(new Set(ranged.map((e) => e.occurredAt))).toEqual(new Set(['2020-03-01T00:00:04.000Z', '2020-03-01T00:00:03.000Z', '2020-03-01T00:00:02.000Z']));
    expect(await all({ action: 'test.paged', to: '2020-03-01' })).toHaveLength(0);
    expect(await all({ action: 'test.paged', from: '2020-03-02' })).toHaveLength(0);
  });

  it('explains bad filters with the field they concern, and needs the audit scope', async () => {
    const badDate = await get({ from: 'yesterday' });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json()).toMatchObject({ code: 'request.invalid', details: { field: 'from' } });
    expect((await get({ from: '2020-03-02', to: '2020-03-01' })).json()).toMatchObject({ details: { field: 'to' } });
    expect((await get({ cursor: 'not-a-cursor' })).json()).toMatchObject({ code: 'request.invalid', details: { field: 'cursor' } });
    expect((await get({ limit: 101 })).statusCode).toBe(400);
    expect((await get({ limit: 0 })).statusCode).toBe(400);

    const reader = await scimClient(bed, 'initech', ['internal_org_settings_view']);
    const refused = await get({}, reader, 'initech');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('auth.forbidden');
  });
});
