// PATCH semantics pinned for issue 11: `remove active` never re-enables a disabled account, and
// a PATCH that changes nothing keeps the version, ETag and lastModified and writes no audit event.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, PATCH_SCHEMA, type ScimTestBed } from '../support/scim.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

function patch(...operations: unknown[]) {
  return { schemas: [PATCH_SCHEMA], Operations: operations };
}

describe('SCIM PATCH semantics', () => {
  let bed: ScimTestBed;
  let acme: Client;
  let n = 0;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
  });
  afterAll(() => bed.close());

  async function create(extra: Record<string, unknown> = {}) {
    n += 1;
    const res = await acme.request('POST', '/Users', newUser(`patch-semantics-${n}@example.test`, extra));
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Record<string, any>;
  }

  it('remove active leaves a disabled user disabled', async () => {
    const user = await create({ active: false });
    expect(user.active).toBe(false);
    const res = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'remove', path: 'active' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().active).toBe(false);
    expect((await acme.request('GET', `/Users/${user.id}`)).json().active).toBe(false);
  });

  it('remove active leaves an active user active', async () => {
    const user = await create();
    const res = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'Remove', path: 'active' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().active).toBe(true);
  });

  it('a PATCH that changes nothing keeps the version, the ETag and lastModified, and writes no audit event', async () => {
    const user = await create({ displayName: 'Ann L', active: true });
    const before = await bed.system.repos.audit.listForOrganization(acme.organization.id, 500);
    const stored = await bed.system.repos.users.findById(acme.organization.id, user.id);
    for (const body of [
      patch({ op: 'replace', path: 'displayName', value: 'Ann L' }),
      patch({ op: 'Replace', path: 'active', value: 'True' }),
      patch({ op: 'replace', value: { name: { givenName: 'Ann', familyName: 'Lee' } } }),
    ]) {
      const res = await acme.request('PATCH', `/Users/${user.id}`, body, { 'if-match': user.meta.version });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers.etag).toBe(user.meta.version);
      expect(res.json().meta.version).toBe(user.meta.version);
      expect(res.json().meta.lastModified).toBe(user.meta.lastModified);
    }
    const after = await bed.system.repos.users.findById(acme.organization.id, user.id);
    expect(after!.version).toBe(stored!.version);
    expect(await bed.system.repos.audit.listForOrganization(acme.organization.id, 500)).toHaveLength(before.length);
  });

  it('a PATCH that changes nothing still answers 412 to a stale If-Match', async () => {
    const user = await create();
    const changed = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'displayName', value: 'Changed' }));
    expect(changed.statusCode, changed.body).toBe(200);
    const res = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'displayName', value: 'Changed' }), { 'if-match': user.meta.version });
    expect(res.statusCode, res.body).toBe(412);
  });

  it('a group PATCH that changes nothing keeps the version and writes no audit event', async () => {
    const group = (await acme.request('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Unchanged', externalId: 'ext-1' })).json();
    const before = await bed.system.repos.audit.listForOrganization(acme.organization.id, 500);
    for (const body of [
      patch({ op: 'replace', value: { id: group.id, displayName: 'Unchanged' } }),
      patch({ op: 'Replace', path: 'externalId', value: 'ext-1' }),
    ]) {
      const res = await acme.request('PATCH', `/Groups/${group.id}`, body, { 'if-match': group.meta.version });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers.etag).toBe(group.meta.version);
      expect(res.json().meta.lastModified).toBe(group.meta.lastModified);
    }
    expect(await bed.system.repos.audit.listForOrganization(acme.organization.id, 500)).toHaveLength(before.length);
    const renamed = await acme.request('PATCH', `/Groups/${group.id}`, patch({ op: 'replace', value: { id: group.id, displayName: 'Changed' } }));
    expect(renamed.headers.etag).not.toBe(group.meta.version);
    const stale = await acme.request('PATCH', `/Groups/${group.id}`, patch({ op: 'replace', value: { id: group.id, displayName: 'Changed' } }), { 'if-match': group.meta.version });
    expect(stale.statusCode, stale.body).toBe(412);
  });

  it('a PATCH that changes something still bumps the version', async () => {
    const user = await create();
    const res = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'displayName', value: 'Someone' }), { 'if-match': user.meta.version });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers.etag).not.toBe(user.meta.version);
  });
});
