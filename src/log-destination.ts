// Where the server's log lines go: standard output, written without ever blocking the event loop.
//
// pino's default destination writes synchronously and, when the pipe is full (a log shipper that
// stopped reading, a paused pager), sleeps and retries forever on the main thread: the process
// stopped answering and never ran its SIGTERM handler (issue 17). Here writes are asynchronous,
// lines wait in a bounded buffer while the reader is slow, and past the bound they are dropped and
// counted, so the server keeps answering, says how many lines it lost once the reader is back, and
// still shuts down when told to.

// A CommonJS module: Node's ESM import sees only its default export.
import sonicBoom from 'sonic-boom';

/** What a stalled reader may cost in memory before lines are dropped. */
export const LOG_BUFFER_LIMIT_BYTES = 16 * 1024 * 1024;

export interface LogDestination {
  /** pino calls this with one serialized line at a time. */
  write(line: string): void;
  /** Waits until every buffered line is written, or `timeoutMs` passes; says whether it got there. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Called once the reader catches up after lines were dropped, with how many were. */
  onLinesDropped(listener: (count: number) => void): void;
}

export function createLogDestination(options: { fd?: number; bufferLimitBytes?: number } = {}): LogDestination {
  const stream = new sonicBoom.SonicBoom({
    fd: options.fd ?? 1,
    sync: false,
    minLength: 0,
    maxLength: options.bufferLimitBytes ?? LOG_BUFFER_LIMIT_BYTES,
  });
  let unwritten = false;
  let dropped = 0;
  let droppedListener: (count: number) => void = () => {};
  const drainWaiters = new Set<() => void>();

  stream.on('drop', () => {
    dropped += 1;
  });
  stream.on('drain', () => {
    unwritten = false;
    for (const wake of drainWaiters) wake();
    drainWaiters.clear();
    if (dropped > 0) {
      const count = dropped;
      dropped = 0;
      droppedListener(count);
    }
  });
  // EPIPE when the reader has gone for good, or any other write error: the log is where such a
  // thing would be reported, so there is nowhere to say it. The buffered lines stay (bounded) and
  // are tried again with the next line; the server itself must not fall over because of it.
  stream.on('error', () => {});

  return {
    write(line) {
      unwritten = true;
      stream.write(line);
    },
    flush(timeoutMs) {
      if (!unwritten) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          drainWaiters.delete(done);
          resolve(false);
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        drainWaiters.add(done);
      });
    },
    onLinesDropped(listener) {
      droppedListener = listener;
    },
  };
}
