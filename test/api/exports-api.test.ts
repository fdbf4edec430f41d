// Exports of the users list and the audit log: the list's own filter and sort, every row across
// many pages with none repeated, CSV a spreadsheet reads safely (quoting, formulas escaped,
// UTF-8), JSON Lines, the organization's boundary, scopes, bad input, and the export audited.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createScimTestBed, GROUP_SCHEMA, newUser, scimClient, type ScimTestBed } from '../support/scim.ts';
import { createExportService } from '../../src/services/export-service.ts';
import { parseFilter } from '../../src/scim/filter/parser.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

describe('exports API', () => {
  let bed: ScimTestBed;
  let acme: Client;
  let globex: Client;
  let listOnly: Client;
  let groupId: string;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
    globex = await scimClient(bed, 'globex');
    const group = await acme.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Gold, "VIP"' });
    expect(group.statusCode, group.body).toBe(201);
    groupId = group.json().id;
    const people = [
      newUser('ada@acme.test', { name: { givenName: 'Ada', familyName: 'Lovelace' }, groups: undefined }),
      newUser('formula@acme.test', { name: { givenName: '=HYPERLINK("http://evil.test","click")', familyName: '+1-2' } }),
      newUser('quote@acme.test', { name: { givenName: 'Line\nbreak', familyName: 'O"Brien, Jr' } }),
      newUser('zoe@acme.test', { name: { givenName: 'Zoë', familyName: '東京' } }),
    ];
    for (const person of people) {
      const res = await acme.request('POST', '/Users', person);
      expect(res.statusCode, res.body).toBe(201);
    }
    const ada = (await acme.request('GET', `/Users?filter=${encodeURIComponent('userName eq "ada@acme.test"')}`)).json().Resources[0];
    const patched = await acme.request('PATCH', `/Groups/${groupId}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ada.id }] }],
    });
    expect(patched.statusCode, patched.body).toBeLessThan(300);
    expect((await globex.request('POST', '/Users', newUser('other@globex.test'))).statusCode).toBe(201);
    // A client that may read users one by one but not list them.
    listOnly = await scimClient(bed, 'initech', ['internal_user_mgt_view']);
  });
  afterAll(() => bed.close());

  const get = (path: string, query: Record<string, string> = {}, client: Client = acme, handle = 'acme') =>
    bed.app.inject({ method: 'GET', url: `/t/${handle}/api/server/v1/${path}?${new URLSearchParams(query)}`, headers: { authorization: `Bearer ${client.token}` } });

  const csvRows = (body: string) => parse(body, { bom: true, columns: true }) as Record<string, string>[];

  it('downloads the users as CSV with a header, quoting, UTF-8 and escaped formulas', async () => {
    // The Console's own filter: customers, not the owner.
    const res = await get('users/export', { filter: 'userType eq "Customer"', sortBy: 'userName', sortOrder: 'ascending' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="users-acme-[\d-]+\.csv"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));

    const rows = csvRows(res.body);
    expect(rows.map((row) => row.username)).toEqual(['ada@acme.test', 'formula@acme.test', 'quote@acme.test', 'zoe@acme.test']);
    expect(rows[0]).toMatchObject({ email: 'ada@acme.test', given_name: 'Ada', family_name: 'Lovelace', groups: 'Gold, "VIP"', account_state: 'active' });
    // A spreadsheet opens these as text, not as a formula or a sum.
    expect(rows[1].given_name).toBe(`'=HYPERLINK("http://evil.test","click")`);
    expect(rows[1].family_name).toBe(`'+1-2`);
    expect(rows[2]).toMatchObject({ given_name: 'Line\nbreak', family_name: 'O"Brien, Jr' });
    expect(rows[3]).toMatchObject({ given_name: 'Zoë', family_name: '東京' });
    expect(rows[0].id).toMatch(/\S/);
    expect(new Date(rows[0].created_at).toISOString()).toBe(rows[0].created_at);
  });

  it('honours the list filter and sort, and stays inside the organization', async () => {
    const res = await get('users/export', { filter: `groups.value eq "${groupId}" or name.familyName co "Brien"`, sortBy: 'userName', sortOrder: 'descending', format: 'jsonl' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/jsonl; charset=utf-8');
    const lines = res.body.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((user) => user.userName)).toEqual(['quote@acme.test', 'ada@acme.test']);
    expect(lines[1]).toMatchObject({ groups: [{ id: groupId, displayName: 'Gold, "VIP"' }], emails: [{ value: 'ada@acme.test', primary: true }], userType: 'customer' });

    const all = (await get('users/export', { format: 'jsonl' })).body.trimEnd().split('\n');
    // Without a filter: every user of the organization, its owner too, and nobody else's.
    expect(all.map((line) => JSON.parse(line).userName).sort()).toEqual(['ada@acme.test', 'formula@acme.test', 'owner@acme.test', 'quote@acme.test', 'zoe@acme.test']);
    const empty = await get('users/export', { filter: 'userName eq "nobody@acme.test"' });
    expect(empty.statusCode).toBe(200);
    expect(csvRows(empty.body)).toEqual([]);
    expect(empty.body.replace(/^\uFEFF/, '')).toMatch(/^id,username,email,/);
    const emptyLines = await get('users/export', { filter: 'userName eq "nobody@acme.test"', format: 'jsonl' });
    expect(emptyLines.statusCode).toBe(200);
    expect(emptyLines.body).toBe('');
  });

  it('refuses a bad filter, sort or format with a 400 that says what is wrong, and a caller without the list scope', async () => {
    const badFilter = await get('users/export', { filter: 'userName eq' });
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().message).toMatch(/filter|value/i);
    const badSort = await get('users/export', { sortBy: 'password' });
    expect(badSort.statusCode).toBe(400);
    expect(badSort.json().message).toContain('Cannot sort by "password"');
    const badFormat = await get('users/export', { format: 'xlsx' });
    expect(badFormat.statusCode).toBe(400);
    expect(badFormat.json().message).toMatch(/format/);
    expect((await get('users/export', {}, listOnly, 'initech')).statusCode).toBe(403);
    expect((await get('users/export', {}, globex, 'acme')).statusCode).toBe(401);
  });

  it('reads every user across many pages, in order, none repeated, even when sort values tie', async () => {
    // A page of three over users whose family names tie (and some have none) crosses many page boundaries.
    const { system } = bed;
    const orgId = acme.organization.id;
    for (let i = 0; i < 11; i++) {
      const res = await acme.request('POST', '/Users', newUser(`tie${i}@acme.test`, { name: i % 3 === 0 ? { givenName: 'No' } : { givenName: 'T', familyName: 'Same' } }));
      expect(res.statusCode, res.body).toBe(201);
    }
    const exports = createExportService({ repos: system.repos, users: system.services.users, clock: system.clock }, 3);
    const filter = parseFilter('userName sw "tie"');
    for (const direction of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      for await (const page of await exports.users(orgId, { filter, sort: { column: 'family_name', direction } }, SYSTEM_CONTEXT, { format: 'csv' })) {
        expect(page.length).toBeLessThanOrEqual(3);
        seen.push(...page.map((view) => view.user.userName));
      }
      expect(seen.length).toBe(11);
      expect(new Set(seen).size).toBe(11);
      const listed = (await acme.request('GET', `/Users?count=100&sortBy=name.familyName&sortOrder=${direction}ending&filter=${encodeURIComponent('userName sw "tie"')}`)).json();
      expect(seen).toEqual(listed.Resources.map((user: { userName: string }) => user.userName));
    }
  });

  it('downloads the audit log filtered, as CSV and JSON Lines, and records who exported what', async () => {
    const csv = await get('audit-events/export', { action: 'user.*' });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-acme-[\d-]+\.csv"$/);
    const rows = csvRows(csv.body);
    expect(rows.length).toBeGreaterThanOrEqual(15);
    expect(rows.every((row) => row.action.startsWith('user.'))).toBe(true);
    const created = rows.find((row) => row.action === 'user.created')!;
    expect(created).toMatchObject({ actor_type: 'application', actor_id: acme.clientId, target_type: 'user' });
    expect(JSON.parse(created.after)).toEqual(expect.objectContaining({ userName: expect.stringContaining('@acme.test') }));
    // Newest first, as the log shows.
    const times = rows.map((row) => Date.parse(row.occurred_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const jsonl = await get('audit-events/export', { action: 'users.exported', format: 'jsonl' });
    expect(jsonl.statusCode).toBe(200);
    const exportsMade = jsonl.body.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(exportsMade.find((event) => event.after.filter?.includes('Brien'))).toMatchObject({
      action: 'users.exported',
      actor: { type: 'application', id: acme.clientId },
      after: { format: 'jsonl', filter: `groups.value eq "${groupId}" or name.familyName co "Brien"` },
      requestId: expect.any(String),
    });

    const none = await get('audit-events/export', { action: 'user.*' }, globex, 'globex');
    expect(csvRows(none.body).some((row) => row.action === 'user.created' && row.actor_id === globex.clientId)).toBe(true);
    expect(none.body).not.toContain('acme.test');
    const badRange = await get('audit-events/export', { from: '2026-02-01', to: '2026-01-01' });
    expect(badRange.statusCode).toBe(400);
    expect(badRange.json()).toMatchObject({ message: 'from must be before to', details: { field: 'to' } });
  });
});
