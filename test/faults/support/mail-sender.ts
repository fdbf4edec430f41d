// A process that only sends the outbox: the dispatcher of src/mail over the database and SMTP
// server its environment names, with a lease the test chooses. The crash test kills it with
// SIGKILL mid-send, exactly as the kernel would kill a server.
//
//   DATA_DIR=... | DATABASE_URL=... (with search_path), SMTP_URL=..., LEASE_MS=..., PUBLIC_URL=...

import { createDatabase } from '../../../src/db/database.ts';
import { createRepos } from '../../../src/repos/index.ts';
import { createMailDispatcher } from '../../../src/mail/dispatcher.ts';
import { createSmtpTransport } from '../../../src/mail/smtp-transport.ts';
import { systemClock } from '../../../src/lib/clock.ts';

const env = process.env;
const db = env.DATABASE_URL ? createDatabase({ databaseUrl: env.DATABASE_URL }) : createDatabase({ dataDir: env.DATA_DIR! });
const dispatcher = createMailDispatcher({
  repos: createRepos(db),
  clock: systemClock,
  transport: createSmtpTransport(env.SMTP_URL!, env.PUBLIC_URL!),
  options: { leaseMs: Number(env.LEASE_MS), idleMs: 50, concurrency: 4, batchSize: 8 },
});
dispatcher.start({ info: () => {}, warn: (fields, message) => console.error(message, JSON.stringify(fields)) });
console.log('sending');
