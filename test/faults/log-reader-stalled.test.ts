// Issue 17: when the reader of the server's stdout stopped reading (a stuck log shipper, a paused
// pager), pino's synchronous writes slept and retried forever on the main thread: the server
// stopped answering and ignored SIGTERM. Now log lines wait in a bounded buffer and are dropped
// past it (src/log-destination.ts), and a shutdown has a deadline. The real process, its stdout a
// pipe this test stops reading.
//
// Engine-independent, so it runs in the SQLite pass only.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { startServerProcess, type ServerProcess } from '../support/processes.ts';

// Each request writes two info lines (received, completed) of some 400 bytes: 4000 of them are
// far more than any pipe or socket buffer holds.
const REQUESTS = 4000;

describe.skipIf(process.env.DATABASE_URL)('a log reader that stops reading', () => {
  let server: ServerProcess | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-log-pipe-'));
  afterAll(async () => {
    await server?.stop('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('neither stops the server answering nor keeps it from obeying SIGTERM', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    server = startServerProcess({ PORT: String(port), PUBLIC_URL: baseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '', SMTP_URL: 'dev:' });
    await server.waitFor(/Tessera is running/);
    server.stopReadingOutput();

    let slowest = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const started = Date.now();
      const response = await fetch(`${baseUrl}/no-such-page/${i}?filler=${'x'.repeat(200)}`, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      expect(response.status).toBe(404);
      slowest = Math.max(slowest, Date.now() - started);
    }
    expect((await fetch(`${baseUrl}/health/live`, { signal: AbortSignal.timeout(5_000) })).status).toBe(200);
    // Nothing waited on the log: no request took anywhere near the 100 ms a retried write sleeps.
    expect(slowest).toBeLessThan(1_000);

    const stoppedAt = Date.now();
    const code = await Promise.race([server.stop('SIGTERM'), new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(12_000);
  }, 90_000);
});
