// Issue 17: a PostgreSQL restart used to crash every instance (an unhandled 'error' event from
// pg), and a hung database made requests and readiness hang. Two real server processes on a
// PostgreSQL of this test's own: it is stopped for 15 s, then frozen (SIGSTOP: connections stay
// open, nothing answers). Both instances must stay up, answer 503 with Retry-After within the
// stated timeouts, report not ready, and recover by themselves once the database is back.
//
// Engine-independent (it brings its own PostgreSQL), so it runs in the SQLite pass only.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { runTessera, startServerProcess, type ServerProcess } from '../support/processes.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import { POSTGRES_TIMEOUTS } from '../../src/db/database.ts';
import { READINESS_TIMEOUT_MS } from '../../src/routes/health.ts';

// The longest any request may take while the database hangs: the client-side answer timeout,
// plus a connection attempt, plus slack for a loaded machine.
const REQUEST_BOUND_MS = POSTGRES_TIMEOUTS.answerMs + POSTGRES_TIMEOUTS.connectMs + 3_000;
const RECOVERY_BOUND_MS = 30_000;

interface Instance {
  process: ServerProcess;
  baseUrl: string;
}

describe.skipIf(process.env.DATABASE_URL)('a PostgreSQL outage, survived by two instances', () => {
  let postgres: PrivatePostgres;
  const instances: Instance[] = [];
  let token: string;
  let clientAuthorization: string;

  async function timed(url: string, init?: RequestInit) {
    const started = Date.now();
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_BOUND_MS + 10_000) });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), ms: Date.now() - started };
  }
  const scimRead = (instance: Instance) => timed(`${instance.baseUrl}/t/acme/scim2/Users?count=1`, { headers: { authorization: `Bearer ${token}` } });
  const ready = (instance: Instance) => timed(`${instance.baseUrl}/health/ready`);
  const clientCredentials = (instance: Instance) =>
    timed(`${instance.baseUrl}/t/acme/oauth2/token`, {
      method: 'POST',
      headers: { authorization: clientAuthorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=internal_user_mgt_list',
    });

  async function expectEveryInstanceRecovers() {
    const deadline = Date.now() + RECOVERY_BOUND_MS;
    for (const instance of instances) {
      while ((await ready(instance)).status !== 200) {
        expect(Date.now(), `instance ${instance.baseUrl} not ready ${RECOVERY_BOUND_MS} ms after the database came back`).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect((await scimRead(instance)).status).toBe(200);
      expect((await clientCredentials(instance)).status).toBe(200);
    }
  }

  async function expectFastUnavailable() {
    for (const instance of instances) {
      expect(instance.process.child.exitCode, instance.process.output()).toBeNull();
      const [read, tokenRequest, readiness] = await Promise.all([scimRead(instance), clientCredentials(instance), ready(instance)]);
      for (const answer of [read, tokenRequest]) {
        expect(answer.status, instance.process.output()).toBe(503);
        expect(answer.retryAfter).toMatch(/^\d+$/);
        expect(answer.ms).toBeLessThan(REQUEST_BOUND_MS);
      }
      expect(readiness.status).toBe(503);
      expect(readiness.ms).toBeLessThan(READINESS_TIMEOUT_MS + 2_000);
    }
  }

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    // A closed SMTP port: mails wait in the outbox, which this test does not look at.
    const smtpPort = await freePort();
    const common = { DATABASE_URL: postgres.url, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, LOG_LEVEL: 'info', REDIS_URL: '' };
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const process = startServerProcess({ ...common, PORT: String(port), PUBLIC_URL: baseUrl });
      instances.push({ process, baseUrl });
      // The second instance starts after the first has migrated.
      await process.waitFor(/Tessera is running/);
    }
    const env = { ...common, PUBLIC_URL: instances[0].baseUrl };
    const org = await runTessera(['org', 'create', '--handle', 'acme', '--name', 'Acme', '--owner-email', 'owner@acme.test', '--owner-password', 'a sturdy passphrase 1', '--json'], env);
    expect(org.code, org.stderr).toBe(0);
    const app = await runTessera(['app', 'create', '--org', 'acme', '--name', 'sync', '--type', 'm2m', '--scopes', 'internal_user_mgt_list', '--json'], env);
    expect(app.code, app.stderr).toBe(0);
    const { client_id, client_secret } = JSON.parse(app.stdout);
    clientAuthorization = `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`;
    const response = await fetch(`${instances[0].baseUrl}/t/acme/oauth2/token`, {
      method: 'POST',
      headers: { authorization: clientAuthorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=internal_user_mgt_list',
    });
    expect(response.status).toBe(200);
    token = ((await response.json()) as { access_token: string }).access_token;
    for (const instance of instances) expect((await scimRead(instance)).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    for (const instance of instances) await instance.process.stop('SIGKILL');
    postgres?.destroy();
  });

  it('stays up through a 15 s stop and restart, answering 503 fast, and recovers without a restart', async () => {
    postgres.stop();
    try {
      await expectFastUnavailable();
      await new Promise((r) => setTimeout(r, 15_000));
      await expectFastUnavailable();
    } finally {
      postgres.start();
    }
    await expectEveryInstanceRecovers();
  }, 120_000);

  it('bounds every request while the database hangs, and recovers when it answers again', async () => {
    postgres.freeze();
    try {
      await expectFastUnavailable();
    } finally {
      postgres.thaw();
    }
    await expectEveryInstanceRecovers();
    for (const instance of instances) expect(instance.process.child.exitCode).toBeNull();
  }, 120_000);
});
