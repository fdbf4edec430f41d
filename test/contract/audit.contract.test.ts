import { describe, expect, it } from 'vitest';
import { at, insertOrganization, insertUser, T0, useContractDatabase } from './fixtures.ts';

describe('audit repository', () => {
  const ctx = useContractDatabase();

  it('round-trips every field, with JSON before/after and the time as Date', async () => {
    const org = await insertOrganization(ctx.repos);
    const event = {
      orgId: org.id,
      occurredAt: at(4321),
      actorType: 'user' as const,
      actorId: 'actor-1',
      action: 'user.updated',
      targetType: 'user',
      targetId: 'target-1',
      before: { accountState: 'pending', tags: ['a', 'b'], nested: { n: 1, ok: false } },
      after: { accountState: 'active', tags: [], nested: { n: 2, ok: true } },
      requestId: 'req-123',
      clientIp: '203.0.113.9',
    };
    await ctx.repos.audit.record(event);
    const [stored, ...rest] = await ctx.repos.audit.listForOrganization(org.id);
    expect(rest).toEqual([]);
    expect(stored).toEqual({ ...event, id: expect.any(String) });
    expect(stored.occurredAt).toBeInstanceOf(Date);
    expect(stored.occurredAt.getTime()).toBe(at(4321).getTime());
  });

  it('stores missing optional fields as null and gives each event its own id', async () => {
    const org = await insertOrganization(ctx.repos);
    await ctx.repos.audit.record({ orgId: org.id, occurredAt: T0, actorType: 'system', action: 'organization.created' });
    await ctx.repos.audit.record({ orgId: org.id, occurredAt: T0, actorType: 'anonymous', action: 'sign_in.failed' });
    const events = await ctx.repos.audit.listForOrganization(org.id);
    expect(events).toHaveLength(2);
    expect(events[0].id).not.toBe(events[1].id);
    for (const e of events) {
      expect(e).toMatchObject({ actorId: null, targetType: null, targetId: null, before: null, after: null, requestId: null, clientIp: null });
    }
  });

  it('lists newest first and honours the limit', async () => {
    const org = await insertOrganization(ctx.repos);
    for (const [i, offset] of [30, 10, 50, 20, 40].entries()) {
      await ctx.repos.audit.record({ orgId: org.id, occurredAt: at(offset * 1000), actorType: 'system', action: `step.${i}` });
    }
    const all = await ctx.repos.audit.listForOrganization(org.id);
    expect(all.map((e) => e.occurredAt.getTime())).toEqual([50, 40, 30, 20, 10].map((s) => at(s * 1000).getTime()));
    const two = await ctx.repos.audit.listForOrganization(org.id, 2);
    expect(two.map((e) => e.action)).toEqual(['step.2', 'step.4']);
  });

  it('lists only the organization’s own events', async () => {
    const a = await insertOrganization(ctx.repos);
    const b = await insertOrganization(ctx.repos);
    await ctx.repos.audit.record({ orgId: a.id, occurredAt: T0, actorType: 'system', action: 'a.only' });
    await ctx.repos.audit.record({ orgId: null, occurredAt: T0, actorType: 'system', action: 'system.setup' });
    expect(await ctx.repos.audit.listForOrganization(b.id)).toEqual([]);
    expect((await ctx.repos.audit.listForOrganization(a.id)).map((e) => e.action)).toEqual(['a.only']);
  });

  it('keeps the record of a user after the user is deleted', async () => {
    const org = await insertOrganization(ctx.repos);
    const user = await insertUser(ctx.repos, org.id);
    await ctx.repos.users.delete(org.id, user.id);
    await ctx.repos.audit.record({ orgId: org.id, occurredAt: T0, actorType: 'user', actorId: user.id, action: 'user.deleted', targetType: 'user', targetId: user.id });
    const [event] = await ctx.repos.audit.listForOrganization(org.id);
    expect(event).toMatchObject({ action: 'user.deleted', targetId: user.id, actorId: user.id });
  });
});
