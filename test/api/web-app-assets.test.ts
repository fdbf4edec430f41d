// The Console's scripts go out compressed (scripts/build-ui.ts leaves .br and .gz copies): a
// fourth of the bytes, which keeps them quick under load (bench/health-under-burst.ts), and the
// same content as the file itself once decompressed.

import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createOrganization, createTestSystem, type TestSystem } from '../support/system.ts';

describe("the Console's static files", () => {
  let system: TestSystem;
  let app: FastifyInstance;
  let bundle: string;

  beforeAll(async () => {
    system = await createTestSystem();
    app = await buildApp(system, { logger: false });
    await createOrganization(system, 'acme');
    const page = await app.inject({ method: 'GET', url: '/t/acme/console/' });
    bundle = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(page.body)![1];
  });
  afterAll(async () => {
    await app.close();
    await system.close();
  });

  it('sends brotli or gzip to clients that accept it, the plain file to the others, cacheable for good', async () => {
    const plain = await app.inject({ method: 'GET', url: bundle });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const brotli = await app.inject({ method: 'GET', url: bundle, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers.vary).toMatch(/accept-encoding/i);
    expect(brotli.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(zlib.brotliDecompressSync(brotli.rawPayload).equals(plain.rawPayload)).toBe(true);

    const gzip = await app.inject({ method: 'GET', url: bundle, headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzip.rawPayload).equals(plain.rawPayload)).toBe(true);
  });
});
