// Issue 17: after `kill -9` of a sending instance, 1–4 mails per crash were sent twice (same
// Message-ID): the SMTP server had accepted them, the sender died before recording it, and the
// next dispatcher sent them again once the lease ran out. Now the hand-over is recorded under the
// lease just before the end-of-data mark (src/mail/smtp-transport.ts), and a mail handed over by a
// sender that then died is recorded as sent, unconfirmed, instead of sent again.
//
// A real SMTP server that takes 1.5 s to answer each message (so that several are accepted and
// unanswered when the sender dies), a sender process killed with SIGKILL, a second one after it.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createRepos, type Repos } from '../../src/repos/index.ts';
import { newId } from '../../src/lib/ids.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { ROOT } from '../support/processes.ts';

const MAILS = 40;
const LEASE_MS = 3_000;
const PUBLIC_URL = 'http://tessera.test';

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a sender killed while the SMTP server accepts its mails', () => {
  let smtp: TestSmtpServer;
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let db: Db;
  let repos: Repos;
  let senderEnv: Record<string, string>;
  const senders: ChildProcess[] = [];

  function startSender(): { child: ChildProcess; log: () => string } {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['test/faults/support/mail-sender.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...senderEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (chunk) => (log += chunk));
    senders.push(child);
    return { child, log: () => log };
  }

  beforeAll(async () => {
    smtp = await startSmtpServer();
    if (process.env.DATABASE_URL) {
      database = await createTestDatabase();
      db = database.db;
      senderEnv = { ...database.env };
    } else {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-mail-crash-'));
      db = createDatabase({ dataDir });
      await migrateToLatest(db);
      senderEnv = { DATA_DIR: dataDir, DATABASE_URL: '' };
    }
    senderEnv = { ...senderEnv, SMTP_URL: smtp.url, LEASE_MS: String(LEASE_MS), PUBLIC_URL };
    repos = createRepos(db);
  });
  afterAll(async () => {
    for (const child of senders) child.kill('SIGKILL');
    await smtp?.close();
    if (database) await database.drop();
    else await db?.destroy();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends every mail, and none twice', async () => {
    const ids: string[] = [];
    for (let i = 0; i < MAILS; i++) {
      const id = newId();
      ids.push(id);
      await repos.outbox.enqueue({ id, orgId: null, userId: null, purpose: 'invitation', recipient: `crash${i}@crash.test`, senderName: 'Crash', subject: `Mail ${i}`, text: `Mail ${i}`, html: `<p>Mail ${i}</p>`, createdAt: new Date() });
    }
    smtp.delayMs = 1_500;
    const first = startSender().child;
    // The sender sends four at a time and starts the next four only when all four are answered.
    // Once eight have arrived, four are answered and recorded and four wait for their answer
    // (1.5 s): the sender dies a moment later. (Killing the moment the first of a round arrives
    // would hit the others of that round between recording their hand-over and writing their
    // end-of-data mark: the window where at-most-once loses a mail, documented in
    // docs/operations.md, not what this test is about.)
    await until(() => smtp.received.length >= 8, 30_000, 'the first sender handing eight mails over');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received.length).toBe(8);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const receivedAtCrash = smtp.received.length;

    smtp.delayMs = 0;
    const second = startSender();
    await until(async () => (await repos.outbox.countByStatus('sent')) === MAILS, 60_000, 'every mail recorded as sent');

    const messageIds = smtp.received.map((mail) => mail.messageId);
    expect(receivedAtCrash).toBeGreaterThan(0);
    expect(new Set(messageIds).size).toBe(MAILS);
    expect(messageIds).toHaveLength(MAILS);
    expect(new Set(messageIds)).toEqual(new Set(ids.map((id) => `<${id}@tessera.test>`)));
    // The mails the first sender handed over but never heard back about were recorded, not resent.
    expect(second.log()).toMatch(/mail recorded as sent without the server's confirmation.*the sender stopped before the server confirmed/);
  }, 120_000);
});
