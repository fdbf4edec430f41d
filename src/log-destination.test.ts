import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogDestination } from './log-destination.ts';

// A named pipe opened for writing and reading on one descriptor needs no reader to open, and its
// 64 KiB buffer fills like a stdout pipe whose reader has stopped; a second descriptor drains it.
function stalledPipe() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-log-fifo-'));
  const fifo = path.join(dir, 'log');
  execFileSync('mkfifo', [fifo]);
  const writeFd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  const readFd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  let received = '';
  let draining: NodeJS.Timeout | undefined;
  return {
    writeFd,
    received: () => received,
    startReading() {
      const buffer = Buffer.alloc(64 * 1024);
      draining = setInterval(() => {
        try {
          for (;;) {
            const n = fs.readSync(readFd, buffer);
            if (n <= 0) break;
            received += buffer.subarray(0, n).toString('utf8');
          }
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        }
      }, 5);
    },
    close() {
      clearInterval(draining);
      fs.closeSync(writeFd);
      fs.closeSync(readFd);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('the log destination', () => {
  let pipe: ReturnType<typeof stalledPipe> | undefined;
  afterEach(() => pipe?.close());

  it('never blocks on a full pipe, drops past its bound, and reports the loss once the reader is back', async () => {
    pipe = stalledPipe();
    const destination = createLogDestination({ fd: pipe.writeFd, bufferLimitBytes: 256 * 1024 });
    const reports: number[] = [];
    destination.onLinesDropped((count) => reports.push(count));

    const line = `${JSON.stringify({ msg: 'x'.repeat(1000) })}\n`;
    const started = Date.now();
    for (let i = 0; i < 1000; i++) destination.write(line); // ~1 MB into 64 KiB + 256 KiB
    expect(Date.now() - started).toBeLessThan(500);
    expect(await destination.flush(300)).toBe(false); // the reader is not reading

    pipe.startReading();
    expect(await destination.flush(5_000)).toBe(true);
    expect(reports).toHaveLength(1);
    // Written is not yet read: give the reader a moment to take the last lines from the pipe.
    const kept = () => pipe!.received().split('\n').filter(Boolean).length;
    await expect.poll(() => kept() + reports[0], { timeout: 2_000 }).toBe(1000);
    expect(kept()).toBeGreaterThan(200);

    // Back to normal: lines arrive, nothing more is reported.
    destination.write(line);
    expect(await destination.flush(5_000)).toBe(true);
    expect(reports).toHaveLength(1);
  });

  it('flushes at once when nothing is waiting', async () => {
    pipe = stalledPipe();
    expect(await createLogDestination({ fd: pipe.writeFd }).flush(10)).toBe(true);
  });
});
