// A complete system over a test database, with cheaper argon2id parameters so suites stay
// quick (the parameters are data; the hashing code is the production code).

import { freePort } from './ports.ts';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { openSystem, type System } from '../../src/system.ts';
import { buildApp, type AppOptions } from '../../src/app.ts';
import { createPasswordHasher, type PasswordHasher } from '../../src/security/password-hasher.ts';
import type { Clock } from '../../src/lib/clock.ts';
import type { DispatcherOptions } from '../../src/mail/index.ts';
import type { AttemptLimiter } from '../../src/security/attempt-limiter.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import type { Organization } from '../../src/repos/organization-repo.ts';
import type { NewUserInput } from '../../src/services/user-service.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const TEST_ARGON2 = { memory: 1024, passes: 1, parallelism: 1 };
export const OWNER_PASSWORD = 'correct horse battery staple';

export interface TestSystem extends System {
  database: TestDatabase;
}

export interface TestSystemOptions {
  publicUrl?: string;
  clock?: Clock;
  hasher?: PasswordHasher;
  env?: Record<string, string>;
  /** Outbox dispatcher timing (short backoffs for retry tests). */
  mail?: DispatcherOptions;
  /** The attempt limiter, for tests that share one with a second instance. */
  limiter?: AttemptLimiter;
}

export async function createTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const database = await createTestDatabase();
  const config: Config = loadConfig({ PUBLIC_URL: options.publicUrl ?? 'http://localhost:3000', LOG_LEVEL: 'silent', ...options.env });
  const system = await openSystem(config, { db: database.db, clock: options.clock, hasher: options.hasher ?? createPasswordHasher(TEST_ARGON2), migrate: false, mail: options.mail, limiter: options.limiter });
  const close = async () => {
    await system.jobs.stop();
    await system.mail.stop();
    await system.mail.transport.close();
    await database.drop();
  };
  return { ...system, database, close };
}

/** An organization with an active owner who has a password. */
export async function createOrganization(system: System, handle = 'acme', ownerEmail = `owner@${handle}.test`) {
  return system.services.organizations.createOrganization(
    { handle, displayName: handle.charAt(0).toUpperCase() + handle.slice(1), ownerEmail, ownerPassword: OWNER_PASSWORD },
    SYSTEM_CONTEXT,
  );
}


export interface RunningServer {
  system: TestSystem;
  app: FastifyInstance;
  baseUrl: string;
  stop(): Promise<void>;
}

/** The real server on a loopback port, for relying-party tests over real HTTP. */
export async function startTestServer(options: Omit<TestSystemOptions, 'publicUrl'> = {}, appOptions: AppOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const system = await createTestSystem({ ...options, publicUrl: baseUrl });
  const app = await buildApp(system, { logger: false, ...appOptions });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    system,
    app,
    baseUrl,
    async stop() {
      await app.close();
      await system.close();
    },
  };
}

/** The test hasher, counting verifications: equal counts mean equal argon2id work. */
export function countingHasher() {
  const inner = createPasswordHasher(TEST_ARGON2);
  const counts = { hash: 0, verify: 0 };
  const hasher: PasswordHasher = {
    hash: (password) => ((counts.hash += 1), inner.hash(password)),
    verify: (phc, password) => ((counts.verify += 1), inner.verify(phc, password)),
    needsRehash: (phc) => inner.needsRehash(phc),
  };
  return { hasher, counts };
}

/**
 * An established, active customer with a password of their own (not a temporary one an
 * administrator set), for tests that are about something other than onboarding.
 */
export async function createCustomer(system: System, organization: Organization, userName: string, password: string, extra: Partial<NewUserInput> = {}) {
  const view = await system.services.users.createUser(organization, { userName, password, ...extra }, SYSTEM_CONTEXT);
  const credential = await system.repos.credentials.findPassword(organization.id, view.user.id);
  await system.repos.credentials.setPassword(organization.id, view.user.id, credential!.passwordHash, { isTemporary: false, expiresAt: null, now: new Date() });
  return view.user;
}

export { freePort };
