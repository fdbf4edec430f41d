// `npm start`: load configuration, open and migrate the database, serve, and shut down
// cleanly on SIGTERM or SIGINT.

import { ConfigError, loadConfig, type Config } from './config.ts';
import { openSystem, type System } from './system.ts';
import { isDatabaseUnavailable } from './db/availability.ts';
import { buildApp } from './app.ts';
import { startHousekeeping } from './housekeeping.ts';
import { mailStartupProblem } from './mail/delivery.ts';
import { loggerOptions } from './logging.ts';
import { createLogDestination } from './log-destination.ts';

// Past this, a shutdown that waits on a request that never ends, or on a log reader that never
// reads, gives up and exits anyway: orchestrators send SIGKILL not long after SIGTERM (30 s in
// Kubernetes), and an exit of our own leaves the database connections closed where they could be.
const SHUTDOWN_DEADLINE_MS = 10_000;
// How long the last lines get to reach a slow log reader before the process exits without them.
const FINAL_LOG_FLUSH_MS = 2_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
    // The CLI may run without mail; a server on a shared database may not (delivery.ts).
    const mailProblem = mailStartupProblem(config);
    if (mailProblem) throw new ConfigError([mailProblem]);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const system = await openSystemWhenDatabaseAnswers(config);
  const logDestination = createLogDestination();
  const app = await buildApp(system, { logger: loggerOptions(config.logLevel, logDestination) });
  logDestination.onLinesDropped((count) => app.log.warn({ droppedLines: count }, 'log lines were dropped while the reader of the log stopped reading'));
  await app.listen({ port: config.port, host: '0.0.0.0' });
  app.log.info({ publicUrl: config.publicUrl, database: config.databaseUrl ? 'postgresql' : 'sqlite', dataDir: config.databaseUrl ? undefined : config.dataDir }, 'Tessera is running');

  // Redis carries the shared attempt counters: say when it goes and comes back, once each.
  let redisLost = false;
  system.redis?.on('close', () => {
    if (!redisLost) app.log.warn('Redis connection lost: attempt limits are counted per instance until it returns');
    redisLost = true;
  });
  system.redis?.on('ready', () => {
    if (redisLost) app.log.info('Redis connection back: attempt limits are shared again');
    redisLost = false;
  });

  const stopHousekeeping = startHousekeeping(system, (error) => app.log.warn({ err: error }, 'housekeeping failed'));
  // The outbox dispatcher: every instance runs one; leases keep each mail to one sender.
  system.mail.start(app.log);
  // Background jobs (imports, bulk actions): every instance runs a runner; leases keep each job to one at a time.
  system.jobs.start(app.log);
  if (system.mail.transport.kind === 'development') {
    app.log.info({ mailbox: `${config.publicUrl}/dev/mailbox` }, 'mails go to the development mailbox (readable from this machine only)');
  } else if (system.mail.transport.kind === 'none') {
    app.log.warn('SMTP_URL is not set: this node sends no mail; mails wait in the outbox until a node with SMTP_URL sends them');
  }

  const setupToken = await system.services.firstRun.issueLinkIfUnset();
  if (setupToken) {
    // Printed, not logged: the link is a credential and must not end up in log storage.
    process.stdout.write(
      `\nNo organization exists yet. Open this one-time link to create the first organization and its owner:\n\n  ${config.publicUrl}/setup?token=${setupToken}\n\n(It expires in 24 hours; restarting the server replaces it.)\n\n`,
    );
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    try {
      stopHousekeeping();
      await app.close();
      await system.close();
      await logDestination.flush(FINAL_LOG_FLUSH_MS);
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

// At start-up the database may still be starting (or unreachable): say so, and keep trying for a
// minute before giving up, rather than waiting silently or dying on the first refused connection.
const START_UP_PATIENCE_MS = 60_000;
const START_UP_RETRY_MS = 2_000;

async function openSystemWhenDatabaseAnswers(config: Config): Promise<System> {
  const giveUpAt = Date.now() + START_UP_PATIENCE_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSystem(config);
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() > giveUpAt) throw error;
      console.error(`The database did not answer (attempt ${attempt}: ${(error as Error).message}); trying again in ${START_UP_RETRY_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, START_UP_RETRY_MS));
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
