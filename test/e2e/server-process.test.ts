// What a newcomer does: start the server, follow the first-run link or use the CLI, register
// applications, and sign in, all against the real process over HTTP. Then SIGTERM.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { freePort } from '../support/system.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runTessera, startServerProcess, type ServerProcess } from '../support/processes.ts';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, relyingParty, REDIRECT_URI } from '../support/relying-party.ts';

describe('the server process and the CLI', () => {
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  let baseUrl: string;

  beforeAll(async () => {
    // On PostgreSQL the process shares this file's schema; on SQLite it gets a data directory.
    database = await createTestDatabase({ migrate: false });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // SMTP_URL=dev: so that the same process runs on PostgreSQL, where an unset SMTP_URL is refused.
    env = { PORT: String(port), PUBLIC_URL: baseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '', SMTP_URL: 'dev:', ...database.env };
    server = startServerProcess(env);
    await server.waitFor(/Tessera is running/);
  });
  afterAll(async () => {
    await server.stop('SIGKILL');
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a one-time setup link on an empty database and is ready', async () => {
    const [, link] = await server.waitFor(/(http:\/\/127\.0\.0\.1:\d+\/setup\?token=[A-Za-z0-9_-]+)/);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Create your organization');
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200);
  });

  it('creates an organization and applications from the CLI, exactly as documented', async () => {
    const org = await runTessera(['org', 'create', '--handle', 'acme', '--name', 'Acme', '--owner-email', 'owner@acme.test', '--owner-password', 'a sturdy passphrase 1', '--json'], env);
    expect(org.code, org.stderr).toBe(0);
    const orgJson = JSON.parse(org.stdout);
    expect(orgJson).toMatchObject({ handle: 'acme', ownerEmail: 'owner@acme.test' });
    expect(orgJson.ownerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(orgJson.setPasswordLink).toBeUndefined();

    const m2m = await runTessera(['app', 'create', '--org', 'acme', '--name', 'ci', '--type', 'm2m', '--scopes', 'internal_user_mgt_list internal_user_mgt_create', '--json'], env);
    expect(m2m.code, m2m.stderr).toBe(0);
    const m2mJson = JSON.parse(m2m.stdout);
    expect(m2mJson.client_id).toBeTruthy();
    expect(m2mJson.client_secret).toBeTruthy();

    const config = await relyingParty(baseUrl, 'acme', m2mJson.client_id, m2mJson.client_secret);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'internal_user_mgt_list' });
    expect(tokens.access_token).toBeTruthy();

    const spa = await runTessera(['app', 'create', '--org', 'acme', '--name', 'web', '--type', 'spa', '--redirect-uri', REDIRECT_URI, '--redirect-uri', 'http://127.0.0.1:9/other', '--json'], env);
    expect(spa.code, spa.stderr).toBe(0);
    const spaJson = JSON.parse(spa.stdout);
    expect(spaJson.client_secret).toBeUndefined();
    expect(spaJson.redirect_uris).toEqual([REDIRECT_URI, 'http://127.0.0.1:9/other']);

    const spaConfig = await relyingParty(baseUrl, 'acme', spaJson.client_id);
    const { verifier, challenge } = await pkcePair();
    const url = client.buildAuthorizationUrl(spaConfig, { redirect_uri: REDIRECT_URI, scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' });
    const result = await new TestBrowser(baseUrl).signIn(url.href, 'owner@acme.test', 'a sturdy passphrase 1');
    const code = await client.authorizationCodeGrant(spaConfig, new URL(result.location!), { pkceCodeVerifier: verifier });
    expect(code.claims()!.sub).toBe(orgJson.ownerId);

    const web = await runTessera(['app', 'create', '--org', 'acme', '--name', 'portal', '--type', 'web', '--redirect-uri', REDIRECT_URI, '--json'], env);
    expect(JSON.parse(web.stdout).client_secret).toBeTruthy();

    // With an organization in place the first-run link is dead.
    const [, link] = await server.waitFor(/(http:\/\/127\.0\.0\.1:\d+\/setup\?token=[A-Za-z0-9_-]+)/);
    expect((await fetch(link)).status).toBe(410);
  });

  it('prints a one-time set-password link when no password is given', async () => {
    const org = await runTessera(['org', 'create', '--handle', 'linked', '--name', 'Linked', '--owner-email', 'owner@linked.test', '--json'], env);
    expect(org.code, org.stderr).toBe(0);
    const { setPasswordLink } = JSON.parse(org.stdout);
    expect(setPasswordLink).toMatch(new RegExp(`^${baseUrl}/t/linked/password/set\\?token=`));
    const page = await fetch(setPasswordLink);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('owner@linked.test');
  });

  it('exits non-zero with a one-line reason on bad input', async () => {
    const cases: Array<[string[], RegExp, number]> = [
      [['app', 'create', '--org', 'nowhere', '--name', 'x', '--type', 'spa', '--redirect-uri', REDIRECT_URI], /No organization with handle "nowhere"/, 1],
      [['org', 'create', '--handle', 'acme', '--name', 'Again', '--owner-email', 'a@b.test'], /already exists/, 1],
      [['org', 'create', '--handle', 'fresh', '--name', 'Fresh', '--owner-email', 'not-an-email'], /Invalid email address "not-an-email"/, 1],
      [['app', 'create', '--org', 'acme', '--name', 'x', '--type', 'desktop'], /Application type must be one of spa, web, m2m/, 1],
      [['app', 'create', '--org', 'acme', '--name', 'x', '--type', 'm2m', '--scopes', 'internal_everything'], /Unknown API scope\(s\): internal_everything/, 1],
      [['org', 'create', '--name', 'No handle', '--owner-email', 'a@b.test'], /--handle is required/, 2],
      [['org', 'delete'], /unknown command "org delete"/, 2],
    ];
    for (const [args, message, code] of cases) {
      const result = await runTessera(args, env);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr.split('\n')[0]).toMatch(message);
      expect(result.stdout).toBe('');
    }
  });

  it('refuses to start on PostgreSQL without SMTP_URL, saying what to set (no node may take the shared outbox for the dev mailbox)', async () => {
    // The database is never reached: the configuration is refused first.
    const refused = startServerProcess({ ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', SMTP_URL: '', PORT: String(await freePort()) });
    // It exits on its own; SIGCONT only waits for that exit without disturbing it.
    expect(await refused.stop('SIGCONT')).toBe(2);
    expect(refused.output()).toMatch(/SMTP_URL is not set\. With DATABASE_URL.*SMTP_URL=dev:/s);
  });

  it('migrates on demand', async () => {
    const result = await runTessera(['migrate'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/up to date|Applied/);
  });

  it('logs JSON lines with a request id and no secrets, and shuts down cleanly on SIGTERM', async () => {
    await fetch(`${baseUrl}/t/acme/password/set?token=super-secret-token-value`);
    const code = await server.stop('SIGTERM');
    expect(code).toBe(0);
    const lines = server.output().split('\n').filter((line) => line.startsWith('{'));
    const requestLines = lines.map((line) => JSON.parse(line)).filter((entry) => entry.req || entry.res);
    expect(requestLines.length).toBeGreaterThan(4);
    for (const entry of requestLines) expect(entry.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.output()).not.toContain('super-secret-token-value');
    expect(server.output()).toContain('token=[redacted]');
    expect(server.output()).toContain('shutting down');
  });
});
