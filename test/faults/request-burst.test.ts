// Issue 17: under a burst of sign-ins, health probes and static files waited behind every request
// already in the event loop. Admission control (routes/admission.ts) lets a bounded number of
// requests work at once; the rest wait their turn, and past the queue's bounds get 429 with
// Retry-After; probes and static files never wait. Here the bounds are shrunk to one turn, and
// the turn is held by a real socket that sends its headers and then stops (its request is
// admitted, then waits for a body that never comes), so nothing depends on timing. The latency
// under a real burst is measured by bench/health-under-burst.ts (docs/benchmarks.md §10).

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, startTestServer, type RunningServer } from '../support/system.ts';

const MAX_QUEUED_MS = 1_000;

describe('admission control', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer({}, { admission: { admitted: 1, maxQueued: 2, maxQueuedMs: MAX_QUEUED_MS } });
    await createOrganization(server.system, 'acme');
  });
  afterAll(() => server?.stop());

  /** Takes the only turn: a SCIM create whose body never arrives. Destroy the socket to end it. */
  async function holdTheTurn(): Promise<net.Socket> {
    const { port } = new URL(server.baseUrl);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /t/acme/scim2/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/scim+json\r\nContent-Length: 100\r\n\r\n{`);
    // The server admits it on its next turn of the event loop; a request after this one queues.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return socket;
  }

  const scimList = (signal?: AbortSignal) => fetch(`${server.baseUrl}/t/acme/scim2/Users`, { signal });

  it('keeps health probes and static files answering while the turn is held, and turns a request away once it has waited too long', async () => {
    const holder = await holdTheTurn();
    try {
      expect((await fetch(`${server.baseUrl}/health/live`)).status).toBe(200);
      expect((await fetch(`${server.baseUrl}/health/ready`)).status).toBe(200);
      expect((await fetch(`${server.baseUrl}/favicon.ico`)).status).toBe(200);

      const started = Date.now();
      const waited = await scimList();
      expect(waited.status).toBe(429);
      expect(waited.headers.get('retry-after')).toBe('2');
      // In the shape of the API asked (here SCIM's error), saying why.
      expect(await waited.json()).toMatchObject({ status: '429', detail: expect.stringMatching(/busy/) });
      expect(Date.now() - started).toBeGreaterThanOrEqual(MAX_QUEUED_MS - 50);
    } finally {
      holder.destroy();
    }
  });

  it('says so as a page on the hosted pages: the server is busy, try again in 2 seconds', async () => {
    const holder = await holdTheTurn();
    try {
      const page = await fetch(`${server.baseUrl}/t/acme/password/forgot`);
      expect(page.status).toBe(429);
      expect(page.headers.get('retry-after')).toBe('2');
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('The server is busy: try again in 2 seconds');
    } finally {
      holder.destroy();
    }
  });

  it('turns a request away at once when the queue is full, and serves the queued ones when the turn comes back', async () => {
    const holder = await holdTheTurn();
    const order: string[] = [];
    const queued = [scimList(), scimList()].map((answer, i) => answer.then((response) => (order.push(`queued ${i}`), response.status)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await scimList();
    order.push('refused');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');

    holder.destroy();
    // Admitted once the holder's socket closed: they reach SCIM, which wants a token.
    expect(await Promise.all(queued)).toEqual([401, 401]);
    expect(order[0]).toBe('refused');
  });

  it('gives a turn back when its client goes away, queued or working, and after answers the OIDC provider writes itself', async () => {
    // Answers written by oidc-provider (the reply is hijacked, so Fastify's response hooks do not
    // run): with one turn, a turn kept by any of them would leave the next request waiting.
    for (let i = 0; i < 5; i++) {
      const token = await fetch(`${server.baseUrl}/t/acme/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
      expect(token.status).not.toBe(429);
    }

    const holder = await holdTheTurn();
    const gaveUp = new AbortController();
    const abandoned = scimList(gaveUp.signal).catch((error: Error) => error.name);
    await new Promise((resolve) => setTimeout(resolve, 100));
    gaveUp.abort();
    expect(await abandoned).toBe('AbortError');
    holder.destroy();

    for (let i = 0; i < 3; i++) expect((await scimList()).status).toBe(401);
  });
});
