// Issue 17: a group deleted while an invitation into it was being created answered 500 (the
// foreign-key violation was not mapped) in 14 of 80 races on PostgreSQL. Now each race ends in
// a 201 (the invitation came first) or the 400 of a group that does not exist (the group went
// first, before or during the invitation's transaction), and a 400 leaves no user.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, GROUP_SCHEMA, scimClient, type ScimTestBed } from '../support/scim.ts';

const RACES = 80;

describe('a group deleted while an invitation into it is created', () => {
  let bed: ScimTestBed;
  let acme: Awaited<ReturnType<typeof scimClient>>;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
  });
  afterAll(() => bed?.close());

  it('answers 201 or 400, never 500, and a refused invitation leaves nothing behind', async () => {
    const groupIds: string[] = [];
    for (let i = 0; i < RACES; i += 1) {
      const created = await acme.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Race ${i}` });
      expect(created.statusCode).toBe(201);
      groupIds.push(created.json().id);
    }
    const outcomes = await Promise.all(
      groupIds.map(async (groupId, i) => {
        const [invitation] = await Promise.all([
          bed.app.inject({
            method: 'POST',
            url: '/t/acme/api/server/v1/invitations',
            headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/json' },
            payload: JSON.stringify({ email: `racer${i}@acme.test`, groups: [groupId], delivery: 'link' }),
          }),
          acme.request('DELETE', `/Groups/${groupId}`),
        ]);
        return { status: invitation.statusCode, body: invitation.body, email: `racer${i}@acme.test` };
      }),
    );
    for (const outcome of outcomes) {
      expect([201, 400], outcome.body).toContain(outcome.status);
      const user = await bed.system.repos.users.findByUserName(acme.organization.id, outcome.email);
      expect(Boolean(user)).toBe(outcome.status === 201);
    }
  });
});
