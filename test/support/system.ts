// A complete system over a test database, with cheaper argon2id parameters so suites stay
// quick (the parameters are data; the hashing code is the production code).

import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { openSystem, type System } from '../../src/system.ts';
import { buildApp } from '../../src/app.ts';
import { createPasswordHasher } from '../../src/security/password-hasher.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { SYSTEM_CONTEXT } from '../../src/services/request-context.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const TEST_ARGON2 = { memory: 1024, passes: 1, parallelism: 1 };
export const OWNER_PASSWORD = 'correct horse battery staple';

export interface TestSystem extends System {
  database: TestDatabase;
}

export async function createTestSystem(options: { publicUrl?: string; clock?: Clock; env?: Record<string, string> } = {}): Promise<TestSystem> {
  const database = await createTestDatabase();
  const config: Config = loadConfig({ PUBLIC_URL: options.publicUrl ?? 'http://localhost:3000', LOG_LEVEL: 'silent', ...options.env });
  const system = await openSystem(config, { db: database.db, clock: options.clock, hasher: createPasswordHasher(TEST_ARGON2), migrate: false });
  return { ...system, database, close: () => database.drop() };
}

/** An organization with an active owner who has a password. */
export async function createOrganization(system: System, handle = 'acme', ownerEmail = `owner@${handle}.test`) {
  return system.services.organizations.createOrganization(
    { handle, displayName: handle.charAt(0).toUpperCase() + handle.slice(1), ownerEmail, ownerPassword: OWNER_PASSWORD },
    SYSTEM_CONTEXT,
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  system: TestSystem;
  app: FastifyInstance;
  baseUrl: string;
  stop(): Promise<void>;
}

/** The real server on a loopback port, for relying-party tests over real HTTP. */
export async function startTestServer(options: { clock?: Clock } = {}): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const system = await createTestSystem({ publicUrl: baseUrl, clock: options.clock });
  const app = await buildApp(system, { logger: false });
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
