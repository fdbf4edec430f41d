import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createTestSystem, type TestSystem } from '../support/system.ts';

describe('health endpoints', () => {
  let system: TestSystem;
  let app: FastifyInstance;

  beforeAll(async () => {
    system = await createTestSystem();
    app = await buildApp(system, { logger: false });
  });
  afterAll(async () => {
    await app.close();
    await system.close();
  });

  it('reports live and ready while the database answers, with a request id', async () => {
    const live = await app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok' });
  });

  it('is not ready once the database is gone', async () => {
    const other = await createTestSystem();
    const otherApp = await buildApp(other, { logger: false });
    await other.close();
    const ready = await otherApp.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable' });
    await otherApp.close();
  });

  it('answers unknown routes with a JSON 404 naming the route', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope?token=secret' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'request.not_found', message: 'No route for GET /nope' });
  });
});
