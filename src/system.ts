// Composition root: configuration in, the wired system out. The server, the CLI and the tests
// all build the same system; only the database and clock differ.

import type { Config } from './config.ts';
import { createDatabase, type Db } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { isPostgres } from './db/dialect.ts';
import { createRepos, type Repos } from './repos/index.ts';
import { createServices, type Services } from './services/index.ts';
import { boundHashing } from './security/bounded-hasher.ts';
import { createPasswordHasher, type PasswordHasher } from './security/password-hasher.ts';
import { withImportedSchemes } from './security/imported-hash.ts';
import { createProviderRegistry, type ProviderRegistry } from './oidc/provider-registry.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { Redis } from 'ioredis';
import { createMail, type DispatcherOptions, type MailDispatcher } from './mail/index.ts';
import { createJobRunner, SQLITE_PAUSE_BETWEEN_BATCHES_MS, type JobRunner, type JobRunnerOptions } from './services/job-runner.ts';
import { createMemoryAttemptLimiter, createRedisAttemptLimiter, type AttemptLimiter } from './security/attempt-limiter.ts';

export interface System {
  config: Config;
  db: Db;
  repos: Repos;
  services: Services;
  providers: ProviderRegistry;
  clock: Clock;
  /** The outbox dispatcher: main.ts starts it; tests start it or call runOnce/drain. */
  mail: MailDispatcher;
  /** The runner of background jobs (imports, bulk actions): main.ts starts it; tests start it or call drain. */
  jobs: JobRunner;
  /** The shared-counter connection when REDIS_URL is set (readiness reports it). */
  redis?: Redis;
  close(): Promise<void>;
}

export interface SystemOptions {
  db?: Db;
  clock?: Clock;
  hasher?: PasswordHasher;
  limiter?: AttemptLimiter;
  /** Run pending migrations first (default true). */
  migrate?: boolean;
  onProviderError?: (error: unknown, orgHandle: string) => void;
  /** Dispatcher timing (tests use short backoffs). */
  mail?: DispatcherOptions;
  /** Background-job runner timing (tests use small batches). */
  jobs?: JobRunnerOptions;
}

export async function openSystem(config: Config, options: SystemOptions = {}): Promise<System> {
  const db = options.db ?? createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (options.migrate !== false) {
    // On PostgreSQL, migrate over a connection of its own without the request timeouts.
    const migrator = options.db || !config.databaseUrl ? db : createDatabase({ databaseUrl: config.databaseUrl, poolSize: 1, unboundedStatements: true });
    try {
      await migrateToLatest(migrator);
    } catch (error) {
      // Start-up retries while the database is down: leave no pool behind per attempt.
      if (!options.db) await db.destroy();
      throw error;
    } finally {
      if (migrator !== db) await migrator.destroy();
    }
  }
  const clock = options.clock ?? systemClock;
  const repos = createRepos(db);
  // Counters shared through Redis when several instances run; in this process otherwise.
  // No offline queue: while Redis is away a command fails at once, and the limiter answers
  // from this instance's memory instead of holding the sign-in (security/attempt-limiter.ts).
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false }) : undefined;
  // Connection errors repeat while it reconnects; main.ts logs the transitions.
  redis?.on('error', () => {});
  const limiter = options.limiter ?? (redis ? createRedisAttemptLimiter(redis) : createMemoryAttemptLimiter());
  const services = createServices({ repos, clock, limiter, hasher: boundHashing(withImportedSchemes(options.hasher ?? createPasswordHasher())), publicUrl: config.publicUrl });
  const mail = createMail(config, repos, clock, options.mail);
  // SQLite has one connection: a running job pauses between batches so mail and requests get it too.
  const jobs = createJobRunner(services.jobs, { ...(!isPostgres(db) && { pauseBetweenBatchesMs: SQLITE_PAUSE_BETWEEN_BATCHES_MS }), ...options.jobs });
  const providers = createProviderRegistry({
    repos,
    clock,
    publicUrl: config.publicUrl,
    applications: services.applications,
    onServerError: options.onProviderError,
  });
  const close = async () => {
    await jobs.stop();
    await mail.stop();
    await mail.transport.close();
    // QUIT needs a connection; without one (Redis down, or never reached) just stop reconnecting.
    if (redis?.status === 'ready') await redis.quit();
    else redis?.disconnect();
    await db.destroy();
  };
  return { config, db, repos, services, providers, clock, mail, jobs, redis, close };
}
