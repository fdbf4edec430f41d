// Tells an outage of the database (refused or dropped connections, timeouts, a server shutting
// down or starting up) from a bug. An outage answers 503 with Retry-After, so clients and load
// balancers retry; a bug answers 500. Kysely and pg wrap errors, so the whole cause chain counts.

/** Seconds a client is asked to wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, crash,
// cannot connect now), too many connections (53300) and a statement cancelled by statement_timeout (57014).
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-4]|53300|57014)$/;

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// pg reports its own client-side failures by message only.
const UNAVAILABLE_PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

/** SQLITE_FULL: the disk (or the file's size limit) has no room for the write. */
const SQLITE_FULL = 13;

/** Seconds after a disk-full write during which readiness reports the instance not ready. */
export const DISK_FULL_NOT_READY_MS = 30_000;

// When a write last failed for a full disk: per process, like the disk it concerns.
let lastDiskFullAt = 0;

export function isDiskFull(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    const { errcode, message, cause } = current as { errcode?: unknown; message?: unknown; cause?: unknown };
    if (errcode === SQLITE_FULL || (typeof message === 'string' && message.includes('database or disk is full'))) return true;
    current = cause;
  }
  return false;
}

export function noteDiskFull(now = Date.now()): void {
  lastDiskFullAt = now;
}

export function diskFullRecently(now = Date.now()): boolean {
  return lastDiskFullAt > 0 && now - lastDiskFullAt < DISK_FULL_NOT_READY_MS;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  // A full disk is an outage too: nothing is wrong with the request, and it will succeed later.
  if (isDiskFull(error)) return true;
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_PG_MESSAGES.some((m) => message.includes(m))) return true;
    current = cause;
  }
  return false;
}
