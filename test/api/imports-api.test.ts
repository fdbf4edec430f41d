// Bulk imports through the management API: a dry run that writes nothing and reports each row,
// the real run (invitations mailed once each, or links issued into the results), bad rows
// (bad email, unknown group, duplicate row, bad hash format) each reported while the rest is
// imported, whole-file errors as 400s with nothing stored, scopes, the organization boundary,
// cancel, and a run that resumes after its runner died mid-import without doing a row twice.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import bcrypt from 'bcryptjs';
import { createScimTestBed, GROUP_SCHEMA, scimClient, type ScimTestBed } from '../support/scim.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

describe('imports API', () => {
  let bed: ScimTestBed;
  let acme: Client;
  let globex: Client;
  let readOnly: Client;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
    globex = await scimClient(bed, 'globex');
    readOnly = await scimClient(bed, 'initech', ['internal_user_mgt_list']);
    for (const displayName of ['Gold', 'Silver']) {
      const res = await acme.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName });
      expect(res.statusCode, res.body).toBe(201);
    }
    const existing = await acme.request('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'taken@acme.test' });
    expect(existing.statusCode, existing.body).toBe(201);
  });
  afterAll(() => bed.close());

  const upload = (body: string, query: Record<string, string> = {}, options: { client?: Client; handle?: string; contentType?: string; headers?: Record<string, string> } = {}) =>
    bed.app.inject({
      method: 'POST',
      url: `/t/${options.handle ?? 'acme'}/api/server/v1/imports?${new URLSearchParams(query)}`,
      headers: { authorization: `Bearer ${(options.client ?? acme).token}`, 'content-type': options.contentType ?? 'text/csv', ...options.headers },
      payload: body,
    });
  const get = (path: string, client: Client = acme, handle = 'acme') =>
    bed.app.inject({ method: 'GET', url: `/t/${handle}/api/server/v1/${path}`, headers: { authorization: `Bearer ${client.token}` } });
  const results = async (id: string) => {
    const res = await get(`imports/${id}/results`);
    expect(res.statusCode, res.body).toBe(200);
    return parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
  };
  const userNamed = async (userName: string) => (await acme.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).json().Resources?.[0];
  const outboxTo = async (recipient: string) =>
    (await bed.system.repos.outbox.list((await bed.system.repos.organizations.findByHandle('acme'))!.id, { limit: 500 })).filter((mail) => mail.recipient === recipient);

  const waitingHashes = async (importId: string) =>
    (await bed.system.db.selectFrom('job_rows').select('row_number').where('job_id', '=', importId).where('imported_hash', 'is not', null).execute()).length;

  const MIXED = [
    'username,givenname,familyname,groups',
    'ada@acme.test,Ada,Lovelace,Gold|Silver',
    'not-an-email,Bad,Row,',
    'grace@acme.test,Grace,Hopper,Platinum',
    'taken@acme.test,Taken,Already,',
    'ADA@acme.test,Ada,Again,',
    '"lin@acme.test","Lin, ""the"" Great",Wu,gold',
  ].join('\r\n');

  it('reports a dry run row by row and writes no user and no mail', async () => {
    const res = await upload(MIXED, { dryRun: 'true', fileName: 'people.csv' });
    expect(res.statusCode, res.body).toBe(202);
    const job = res.json();
    expect(job).toMatchObject({ state: 'queued', dryRun: true, delivery: 'email', fileName: 'people.csv', totalRows: 6 });
    expect(res.headers.location).toBe(`/t/acme/api/server/v1/imports/${job.id}`);
    await bed.system.jobs.drain();

    const done = (await get(`imports/${job.id}`)).json();
    expect(done).toMatchObject({ state: 'completed', processedRows: 6, outcomes: { would_invite: 2, invalid: 2, skipped: 2 } });
    const rows = await results(job.id);
    expect(rows.map((row) => [row.row, row.username, row.outcome])).toEqual([
      ['1', 'ada@acme.test', 'would_invite'],
      ['2', 'not-an-email', 'invalid'],
      ['3', 'grace@acme.test', 'invalid'],
      ['4', 'taken@acme.test', 'skipped'],
      ['5', 'ADA@acme.test', 'skipped'],
      ['6', 'lin@acme.test', 'would_invite'],
    ]);
    expect(rows[1].detail).toBe('"not-an-email" is not an email address');
    expect(rows[2].detail).toBe('There is no group named "Platinum"');
    expect(rows[3].detail).toBe('A user with this username exists');
    expect(rows[4].detail).toBe('The same username as row 1');
    expect(rows[5]).toMatchObject({ givenname: 'Lin, "the" Great', groups: 'gold' });
    expect(await userNamed('ada@acme.test')).toBeUndefined();
    expect(await outboxTo('ada@acme.test')).toHaveLength(0);
  });

  it('imports the good rows of the same file, mails each invitation once, and audits the summary', async () => {
    const res = await upload(MIXED, {});
    expect(res.statusCode, res.body).toBe(202);
    const { id } = res.json();
    await bed.system.jobs.drain();
    expect((await get(`imports/${id}`)).json()).toMatchObject({ state: 'completed', outcomes: { invited: 2, invalid: 2, skipped: 2 } });

    const ada = await userNamed('ada@acme.test');
    expect(ada).toMatchObject({ name: { givenName: 'Ada', familyName: 'Lovelace' } });
    expect(ada.groups.map((g: { display: string }) => g.display).sort()).toEqual(['Gold', 'Silver']);
    expect((await userNamed('lin@acme.test')).name.givenName).toBe('Lin, "the" Great');
    expect(await userNamed('grace@acme.test')).toBeUndefined();
    expect(await outboxTo('ada@acme.test')).toHaveLength(1);
    expect(await outboxTo('lin@acme.test')).toHaveLength(1);

    const rows = await results(id);
    expect(rows[0]).toMatchObject({ outcome: 'invited', user_id: ada.id, invitation_link: '' });
    const audit = (await get(`audit-events?action=import.completed&targetId=${id}`)).json();
    expect(audit.events[0]).toMatchObject({ action: 'import.completed', target: { type: 'import', id }, actor: { type: 'application' }, after: { outcomes: { invited: 2, invalid: 2, skipped: 2 }, dryRun: false } });
    // Each created customer is audited as the Console's create is, by the importing client.
    const invited = (await get(`audit-events?action=user.invited`)).json();
    expect(invited.events.filter((e: { target: { id: string } }) => e.target.id === ada.id)).toHaveLength(1);
  });

  it('issues invitation links into the results file (delivery=link), mails nothing, and a second download voids the first links', async () => {
    const res = await upload('username\r\noffline1@acme.test\r\noffline2@acme.test\r\n', { delivery: 'link' });
    const { id } = res.json();
    await bed.system.jobs.drain();
    const first = await results(id);
    expect(first.map((row) => row.outcome)).toEqual(['invited', 'invited']);
    expect(first[0].invitation_link).toMatch(/^http:\/\/localhost:3000\/t\/acme\/.+\?token=/);
    expect(await outboxTo('offline1@acme.test')).toHaveLength(0);
    const second = await results(id);
    expect(second[0].invitation_link).not.toBe(first[0].invitation_link);
    // The earlier link is void: its page says so.
    const stale = await bed.app.inject({ method: 'GET', url: new URL(first[0].invitation_link).pathname + new URL(first[0].invitation_link).search });
    expect(stale.body).not.toContain('name="password"');
    const fresh = await bed.app.inject({ method: 'GET', url: new URL(second[0].invitation_link).pathname + new URL(second[0].invitation_link).search });
    expect(fresh.statusCode).toBe(200);
  });

  it('creates users with imported bcrypt hashes as permanent passwords, without invitations, and reports a bad hash on its row', async () => {
    const hash = bcrypt.hashSync('old password from elsewhere', 4);
    const file = ['username,passwordhash,passwordhashscheme', `hashed@acme.test,${hash},bcrypt`, 'badhash@acme.test,$2b$04$short,bcrypt', 'nohashscheme@acme.test,abc,'].join('\n');
    const res = await upload(file, { delivery: 'email' });
    expect(res.statusCode, res.body).toBe(202);
    await bed.system.jobs.drain();
    const rows = await results(res.json().id);
    expect(rows.map((row) => row.outcome)).toEqual(['created', 'invalid', 'invalid']);
    expect(rows[2].detail).toBe('passwordhash is given without passwordhashscheme');
    expect(await outboxTo('hashed@acme.test')).toHaveLength(0);
    const acmeOrg = (await bed.system.repos.organizations.findByHandle('acme'))!;
    const user = (await bed.system.repos.users.findByUserName(acmeOrg.id, 'hashed@acme.test'))!;
    expect(user.accountState).toBe('active');
    expect(await bed.system.services.users.verifyPassword(acmeOrg.id, user.id, 'old password from elsewhere')).toBe(true);
    expect(await bed.system.services.users.verifyPassword(acmeOrg.id, user.id, 'wrong')).toBe(false);
    expect((await userNamed('hashed@acme.test'))['urn:scim:wso2:schema']?.forcePasswordReset ?? false).toBe(false);
    // No hash stays behind in the import's rows once they are decided.
    expect(await waitingHashes(res.json().id)).toBe(0);
  });

  it('empties the waiting password hashes of a cancelled import, and housekeeping forgets old imports', async () => {
    const file = ['username,passwordhash,passwordhashscheme', `never@acme.test,${bcrypt.hashSync('x', 4)},bcrypt`].join('\n');
    const { id } = (await upload(file, {})).json();
    expect(await waitingHashes(id)).toBe(1);
    const res = await bed.app.inject({ method: 'POST', url: `/t/acme/api/server/v1/imports/${id}/cancel`, headers: { authorization: `Bearer ${acme.token}` } });
    expect(res.statusCode).toBe(200);
    expect(await waitingHashes(id)).toBe(0);
    // Finished 31 days ago: gone with its rows; an upload cut off an hour ago as well.
    await bed.system.repos.jobs.deleteStale(new Date(Date.now() - 60 * 60 * 1000), new Date(Date.now() + 1000));
    expect((await get(`imports/${id}`)).statusCode).toBe(404);
    expect(await bed.system.db.selectFrom('job_rows').select('row_number').where('job_id', '=', id).execute()).toHaveLength(0);
  });

  it('reads JSON Lines, with a bad line reported on its row', async () => {
    const file = ['{"userName":"json1@acme.test","givenName":"Jay","groups":["Gold"]}', 'not json', '{"userName":"json2@acme.test","colour":"red"}', ''].join('\n');
    const res = await upload(file, { delivery: 'none' }, { contentType: 'application/jsonl' });
    expect(res.statusCode, res.body).toBe(202);
    await bed.system.jobs.drain();
    const rows = await results(res.json().id);
    expect(rows.map((row) => [row.username, row.outcome, row.detail])).toEqual([
      ['json1@acme.test', 'created', ''],
      ['', 'invalid', 'The line is not JSON'],
      ['', 'invalid', expect.stringContaining('Unknown field "colour"')],
    ]);
    expect((await userNamed('json1@acme.test')).groups[0].display).toBe('Gold');
    expect(await outboxTo('json1@acme.test')).toHaveLength(0);
  });

  it('refuses a broken file as a whole with a 400 that names the problem, and stores nothing', async () => {
    const before = (await get('imports')).json().imports.length;
    const cases: Array<[string, string, RegExp]> = [
      ['email,colour\na@acme.test,red\n', 'text/csv', /unknown column "colour"/],
      ['givenname\nAda\n', 'text/csv', /no username column/],
      ['username\n"unclosed@acme.test\n', 'text/csv', /not valid CSV/],
      ['username\n', 'text/csv', /no rows/],
      ['', 'text/csv', /empty/],
    ];
    for (const [body, contentType, message] of cases) {
      const res = await upload(body, {}, { contentType });
      expect(res.statusCode, body).toBe(400);
      expect(res.json().message).toMatch(message);
    }
    const wrongType = await upload('{}', {}, { contentType: 'application/json' });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().message).toMatch(/text\/csv or application\/jsonl/);
    expect((await upload('username\na@acme.test\n', { delivery: 'carrier-pigeon' })).statusCode).toBe(400);
    expect((await get('imports')).json().imports.length).toBe(before);
  });

  it('needs the create scope to import and to read results, and keeps to the organization', async () => {
    const refused = await upload('username\nscoped@initech.test\n', {}, { client: readOnly, handle: 'initech' });
    expect(refused.statusCode).toBe(403);
    const { id } = (await upload('username\nboundary@acme.test\n', { dryRun: 'true' })).json();
    expect((await get(`imports/${id}`, globex, 'globex')).statusCode).toBe(404);
    expect((await get(`imports/${id}/results`, globex, 'globex')).statusCode).toBe(404);
    expect((await get(`imports/${id}/results`, readOnly, 'initech')).statusCode).toBe(403);
    expect((await get('imports', readOnly, 'initech')).statusCode).toBe(200);
    await bed.system.jobs.drain();
  });

  it('cancels a queued import: no row is run, and a finished one cannot be cancelled', async () => {
    const { id } = (await upload('username\ncancelled@acme.test\n', {})).json();
    const cancel = () => bed.app.inject({ method: 'POST', url: `/t/acme/api/server/v1/imports/${id}/cancel`, headers: { authorization: `Bearer ${acme.token}` } });
    const res = await cancel();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe('cancelled');
    await bed.system.jobs.drain();
    expect(await userNamed('cancelled@acme.test')).toBeUndefined();
    expect((await cancel()).statusCode).toBe(409);
  });

  it('hands an import back when its runner stops, and the next runner goes on from there', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `handback${i}@acme.test`);
    const { id } = (await upload(['username', ...lines].join('\n'), {})).json();
    let batches = 0;
    await bed.system.services.jobs.runNext('stopping-runner', { leaseMs: 60_000, batchSize: 10, keepGoing: () => batches++ < 1 });
    expect((await get(`imports/${id}`)).json()).toMatchObject({ state: 'queued', processedRows: 10 });
    await bed.system.jobs.drain();
    expect((await get(`imports/${id}`)).json()).toMatchObject({ state: 'completed', processedRows: 30, outcomes: { invited: 30 } });
  });

  it('resumes an import whose runner died mid-way at its first undone row, doing no row twice', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `resume${i}@acme.test`);
    const { id } = (await upload(['username', ...lines].join('\n'), {})).json();
    // A runner that claims the import, does 10 rows and dies: its lease is never renewed, and
    // the import waits until the lease runs out.
    let batches = 0;
    const LEASE_MS = 2000;
    const died = bed.system.services.jobs.runNext('dead-runner', {
      leaseMs: LEASE_MS,
      batchSize: 10,
      keepGoing: () => {
        if (batches++ >= 1) throw new Error('killed');
        return true;
      },
    });
    await expect(died).rejects.toThrow('killed');
    const halfway = (await get(`imports/${id}`)).json();
    expect(halfway).toMatchObject({ state: 'running', processedRows: 10 });
    expect(await bed.system.jobs.drain()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 100));
    expect(await bed.system.jobs.drain()).toBe(1);
    const done = (await get(`imports/${id}`)).json();
    expect(done).toMatchObject({ state: 'completed', processedRows: 30, outcomes: { invited: 30 } });
    for (const userName of lines) expect(await outboxTo(userName)).toHaveLength(1);
  });

  it('runs one import in two parallel runners without doing a row twice', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `parallel${i}@acme.test`);
    const { id } = (await upload(['username', ...lines].join('\n'), {})).json();
    const run = (token: string) => bed.system.services.jobs.runNext(token, { leaseMs: 60_000, batchSize: 5, keepGoing: () => true });
    await Promise.all([run('runner-a'), run('runner-b'), bed.system.jobs.drain()]);
    const done = (await get(`imports/${id}`)).json();
    expect(done).toMatchObject({ state: 'completed', processedRows: 40, outcomes: { invited: 40 } });
    for (const userName of lines) expect(await outboxTo(userName)).toHaveLength(1);
  });
});
