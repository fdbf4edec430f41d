// Bulk actions on users through the management API: each action on selected ids and on every
// user a filter matches, done once per user through the single-user rules (an administrator is
// refused to an application), audited per user; the count a delete was confirmed for; scopes,
// bad input, the organization boundary, and two runners on one job.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createScimTestBed, GROUP_SCHEMA, newUser, scimClient, type ScimTestBed } from '../support/scim.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

describe('bulk actions API', () => {
  let bed: ScimTestBed;
  let acme: Client;
  let globex: Client;
  let noDelete: Client;
  let goldId: string;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
    globex = await scimClient(bed, 'globex');
    noDelete = await scimClient(bed, 'initech', ['internal_user_mgt_list', 'internal_user_mgt_update', 'internal_group_mgt_update']);
    goldId = (await acme.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Gold' })).json().id;
    for (const name of ['ann', 'bob', 'cat', 'dan', 'eve']) {
      const res = await acme.request('POST', '/Users', newUser(`${name}@acme.test`, { name: { givenName: name, familyName: 'Bulk' }, password: 'a long and unusual passphrase 7' }));
      expect(res.statusCode, res.body).toBe(201);
      ids.set(name, res.json().id);
    }
    for (const name of ['pending1', 'pending2']) {
      const res = await acme.request('POST', '/Users', { ...newUser(`${name}@acme.test`), 'urn:scim:wso2:schema': { askPassword: true } });
      expect(res.statusCode, res.body).toBe(201);
      ids.set(name, res.json().id);
    }
    const admin = await bed.system.services.users.createUser(acme.organization, { userName: 'admin@acme.test', administrator: true, askPassword: true }, { actor: { type: 'user', id: acme.owner.id } });
    ids.set('admin', admin.user.id);
  });
  afterAll(() => bed.close());

  const start = (body: Record<string, unknown>, client: Client = acme, handle = 'acme') =>
    bed.app.inject({ method: 'POST', url: `/t/${handle}/api/server/v1/users/bulk-actions`, headers: { authorization: `Bearer ${client.token}` }, payload: body });
  const get = (path: string, client: Client = acme, handle = 'acme') =>
    bed.app.inject({ method: 'GET', url: `/t/${handle}/api/server/v1/users/bulk-actions/${path}`, headers: { authorization: `Bearer ${client.token}` } });
  const run = async (body: Record<string, unknown>) => {
    const res = await start(body);
    expect(res.statusCode, res.body).toBe(202);
    await bed.system.jobs.drain();
    const job = (await get(res.json().id)).json();
    const results = parse((await get(`${job.id}/results`)).body, { bom: true, columns: true }) as Record<string, string>[];
    return { job, results };
  };
  const user = async (name: string) => (await acme.request('GET', `/Users/${ids.get(name)}`)).json();
  const audit = async (action: string, targetId: string) =>
    (await bed.app.inject({ method: 'GET', url: `/t/acme/api/server/v1/audit-events?action=${action}&targetId=${targetId}`, headers: { authorization: `Bearer ${acme.token}` } })).json().events;

  it('adds selected users to a group once each, and says who already was a member', async () => {
    const first = await run({ action: 'add_to_group', groupId: goldId, userIds: [ids.get('ann'), ids.get('bob')] });
    expect(first.job).toMatchObject({ state: 'completed', action: 'add_to_group', groupId: goldId, totalRows: 2, outcomes: { done: 2 } });
    const again = await run({ action: 'add_to_group', groupId: goldId, userIds: [ids.get('ann'), ids.get('cat'), ids.get('ann')] });
    expect(again.job.outcomes).toEqual({ unchanged: 1, done: 1 });
    expect(again.results).toEqual([
      { user_id: ids.get('ann'), outcome: 'unchanged', detail: 'Already in the group' },
      { user_id: ids.get('cat'), outcome: 'done', detail: '' },
    ]);
    expect((await user('cat')).groups.map((g: { value: string }) => g.value)).toEqual([goldId]);
    const removed = await run({ action: 'remove_from_group', groupId: goldId, userIds: [ids.get('ann')] });
    expect(removed.job.outcomes).toEqual({ done: 1 });
    expect((await user('ann')).groups ?? []).toEqual([]);
  });

  it('locks and unlocks every user a filter matches, refusing the administrator an application may not touch', async () => {
    const filter = 'name.familyName eq "Bulk" or userName eq "admin@acme.test"';
    const locked = await run({ action: 'lock', filter });
    expect(locked.job).toMatchObject({ totalRows: 6, filter, outcomes: { done: 5, refused: 1 } });
    const refusal = locked.results.find((row) => row.user_id === ids.get('admin'))!;
    expect(refusal).toMatchObject({ outcome: 'refused', detail: "Applications (client credentials) may not act on administrator accounts; use the owner's sign-in" });
    const bob = await bed.system.repos.users.findById(acme.organization.id, ids.get('bob')!);
    expect(bob!.accountState).toBe('locked');
    expect(await audit('user.updated', ids.get('bob')!)).toHaveLength(1);

    const unlocked = await run({ action: 'unlock', filter: 'name.familyName eq "Bulk"' });
    expect(unlocked.job.outcomes).toEqual({ done: 5 });
    expect((await bed.system.repos.users.findById(acme.organization.id, ids.get('bob')!))!.accountState).toBe('active');
  });

  it('resends invitations to pending users and refuses it for users who accepted theirs', async () => {
    const { job, results } = await run({ action: 'resend_invitation', userIds: [ids.get('pending1'), ids.get('pending2'), ids.get('eve')] });
    expect(job.outcomes).toEqual({ done: 2, refused: 1 });
    expect(results[2]).toMatchObject({ outcome: 'refused', detail: 'The user has already accepted the invitation; use password recovery instead' });
    const mails = (await bed.system.repos.outbox.list(acme.organization.id, { limit: 100 })).filter((m) => m.recipient === 'pending1@acme.test');
    expect(mails.map((m) => m.purpose).sort()).toEqual(['invitation', 'invitation_resend']);
  });

  it('deletes by filter only for the count the person confirmed, and audits each delete', async () => {
    const stale = await start({ action: 'delete', filter: 'name.familyName eq "Bulk"', expectedCount: 4 });
    expect(stale.statusCode).toBe(400);
    expect(stale.json().message).toBe('The filter now matches 5 users, not 4: look at the list again and confirm');
    expect((await start({ action: 'delete', filter: 'name.familyName eq "Bulk"' })).json().message).toMatch(/needs expectedCount/);
    const { job } = await run({ action: 'delete', filter: 'name.givenName eq "dan" or name.givenName eq "eve"', expectedCount: 2 });
    expect(job.outcomes).toEqual({ done: 2 });
    expect((await acme.request('GET', `/Users/${ids.get('dan')}`)).statusCode).toBe(404);
    expect(await audit('user.deleted', ids.get('eve')!)).toHaveLength(1);
    // A user deleted meanwhile is reported, not an error.
    const gone = await run({ action: 'lock', userIds: [ids.get('dan')] });
    expect(gone.results[0]).toMatchObject({ outcome: 'not_found' });
    expect(gone.job.outcomes).toEqual({ not_found: 1 });
  });

  it('refuses bad requests with a 400 that names the problem', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ action: 'lock' }, /exactly one/],
      [{ action: 'lock', userIds: ['a'], filter: 'userName pr' }, /exactly one/],
      [{ action: 'add_to_group', userIds: ['a'] }, /needs groupId/],
      [{ action: 'lock', groupId: goldId, userIds: ['a'] }, /takes no groupId/],
      [{ action: 'lock', filter: 'userName eq' }, /./],
      [{ action: 'lock', filter: 'colour eq "red"' }, /./],
      [{ action: 'lock', userIds: [] }, /No users are selected/],
      [{ action: 'explode', userIds: ['a'] }, /./],
    ];
    for (const [body, message] of cases) {
      const res = await start(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message).toMatch(message);
    }
    expect((await start({ action: 'add_to_group', groupId: 'no-such-group', userIds: ['a'] })).statusCode).toBe(404);
  });

  it('needs the action’s own scope, and keeps to the organization', async () => {
    expect((await start({ action: 'delete', userIds: ['x'] }, noDelete, 'initech')).statusCode).toBe(403);
    const { id } = (await start({ action: 'lock', userIds: [ids.get('ann')] })).json();
    expect((await get(id, globex, 'globex')).statusCode).toBe(404);
    // Another organization's user id is simply not found there.
    const foreign = await start({ action: 'lock', userIds: [ids.get('ann')] }, globex, 'globex');
    await bed.system.jobs.drain();
    expect((await get(foreign.json().id, globex, 'globex')).json().outcomes).toEqual({ not_found: 1 });
    expect((await bed.system.repos.users.findById(acme.organization.id, ids.get('ann')!))!.accountState).toBe('locked');
  });

  it('runs one job in two parallel runners without doing a user twice', async () => {
    const created: string[] = [];
    for (let i = 0; i < 30; i++) created.push((await acme.request('POST', '/Users', newUser(`many${i}@acme.test`))).json().id);
    const res = await start({ action: 'add_to_group', groupId: goldId, userIds: created });
    const runner = (token: string) => bed.system.services.jobs.runNext(token, { leaseMs: 60_000, batchSize: 4, keepGoing: () => true });
    await Promise.all([runner('a'), runner('b'), bed.system.jobs.drain()]);
    expect((await get(res.json().id)).json()).toMatchObject({ state: 'completed', outcomes: { done: 30 } });
    const updates = await audit('group.updated', goldId);
    expect(updates.filter((e: { after: { membersAdded: string[] } }) => created.includes(e.after.membersAdded?.[0]))).toHaveLength(30);
  });
});
