// Behind a reverse proxy (docs/security.md 5): the client address the audit trail records comes
// from X-Forwarded-For only when the request arrives from a proxy TRUST_PROXY names. A small real
// proxy (node:http) sits in front of the real server; clients reach it from 127.0.0.2 so the
// proxy's own address (127.0.0.1) and the client's can be told apart.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, startTestServer, type RunningServer } from '../support/system.ts';
import { registerApplication } from '../support/relying-party.ts';
import { createScimTestBed, newUser } from '../support/scim.ts';

const CLIENT_ADDRESS = '127.0.0.2';
const SCOPES = ['internal_user_mgt_create', 'internal_org_audit_view'];

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request sent from CLIENT_ADDRESS (node's fetch cannot choose its source address). */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: CLIENT_ADDRESS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A reverse proxy that forwards everything to `target`, appending the peer it saw to X-Forwarded-For, as nginx does. */
async function startProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((incoming, outgoing) => {
    const forwardedFor = [incoming.headers['x-forwarded-for'], incoming.socket.remoteAddress].filter(Boolean).join(', ');
    const upstream = http.request(
      new URL(incoming.url!, target),
      { method: incoming.method, headers: { ...incoming.headers, 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'https' } },
      (response) => {
        outgoing.writeHead(response.statusCode!, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** An organization with an application that may create users and read the audit trail, and its token. */
async function prepare(server: RunningServer, handle: string) {
  const { organization } = await createOrganization(server.system, handle);
  const { application, clientSecret } = await registerApplication(server.system, organization.id, { type: 'm2m', scopes: SCOPES });
  const response = await fetch(`${server.baseUrl}/t/${handle}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${application.id}:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPES.join(' ') }),
  });
  expect(response.status).toBe(200);
  const { access_token: token } = (await response.json()) as { access_token: string };
  return { handle, token };
}

type Prepared = Awaited<ReturnType<typeof prepare>>;

/** Creates a user through `base` (the proxy or the server itself) and returns the client address its audit event recorded. */
async function recordedAddressOfUserCreatedThrough(server: RunningServer, base: string, { handle, token }: Prepared, headers: Record<string, string> = {}) {
  const created = await send(`${base}/t/${handle}/scim2/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', ...headers },
    body: JSON.stringify(newUser(`u${Math.random().toString(36).slice(2)}@${handle}.test`)),
  });
  expect(created.status, created.body).toBe(201);
  const userId = (JSON.parse(created.body) as { id: string }).id;
  const audit = await fetch(`${server.baseUrl}/t/${handle}/api/server/v1/audit-events?targetId=${userId}`, { headers: { authorization: `Bearer ${token}` } });
  expect(audit.status).toBe(200);
  const { events } = (await audit.json()) as { events: Array<{ action: string; clientIp: string | null }> };
  expect(events.length).toBeGreaterThan(0);
  return events[0].clientIp;
}

describe('TRUST_PROXY set to the proxy address', () => {
  let server: RunningServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let org: Prepared;

  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1' } });
    proxy = await startProxy(server.baseUrl);
    org = await prepare(server, 'acme');
  });
  afterAll(async () => {
    await proxy.close();
    await server.stop();
  });

  it('records the client the proxy names in X-Forwarded-For', async () => {
    expect(await recordedAddressOfUserCreatedThrough(server, proxy.url, org)).toBe(CLIENT_ADDRESS);
  });

  it('records the client, not what the client itself wrote into X-Forwarded-For before the proxy', async () => {
    expect(await recordedAddressOfUserCreatedThrough(server, proxy.url, org, { 'x-forwarded-for': '1.2.3.4' })).toBe(CLIENT_ADDRESS);
  });

  it('ignores X-Forwarded-For from a peer that is not the trusted proxy', async () => {
    expect(await recordedAddressOfUserCreatedThrough(server, server.baseUrl, org, { 'x-forwarded-for': '1.2.3.4' })).toBe(CLIENT_ADDRESS);
  });
});

describe('TRUST_PROXY a hop count', () => {
  let server: RunningServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let org: Prepared;

  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1' } });
    proxy = await startProxy(server.baseUrl);
    org = await prepare(server, 'acme');
  });
  afterAll(async () => {
    await proxy.close();
    await server.stop();
  });

  it('takes the client from the one hop in front, not from what the client wrote before it', async () => {
    expect(await recordedAddressOfUserCreatedThrough(server, proxy.url, org)).toBe(CLIENT_ADDRESS);
    expect(await recordedAddressOfUserCreatedThrough(server, proxy.url, org, { 'x-forwarded-for': '1.2.3.4' })).toBe(CLIENT_ADDRESS);
  });
});

describe('TRUST_PROXY unset', () => {
  let server: RunningServer;
  let org: Prepared;

  beforeAll(async () => {
    server = await startTestServer();
    org = await prepare(server, 'acme');
  });
  afterAll(() => server.stop());

  it('records the socket peer, not a forged X-Forwarded-For', async () => {
    // Sent straight to the server from the default loopback address, with a header of its own.
    const created = await fetch(`${server.baseUrl}/t/acme/scim2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.token}`, 'content-type': 'application/scim+json', 'x-forwarded-for': '1.2.3.4' },
      body: JSON.stringify(newUser('forged@acme.test')),
    });
    expect(created.status).toBe(201);
    const userId = ((await created.json()) as { id: string }).id;
    const audit = await fetch(`${server.baseUrl}/t/acme/api/server/v1/audit-events?targetId=${userId}`, { headers: { authorization: `Bearer ${org.token}` } });
    const { events } = (await audit.json()) as { events: Array<{ clientIp: string | null }> };
    expect(events[0].clientIp).toBe('127.0.0.1');
  });

  it('records the socket peer even when a proxy forwards the request', async () => {
    const proxy = await startProxy(server.baseUrl);
    try {
      expect(await recordedAddressOfUserCreatedThrough(server, proxy.url, org, { 'x-forwarded-for': '1.2.3.4' })).toBe('127.0.0.1');
    } finally {
      await proxy.close();
    }
  });
});

describe('Strict-Transport-Security', () => {
  // A hosted page, the OpenID Provider (which writes its own replies), SCIM, the management API,
  // a health check and an unknown path: every kind of response.
  const PATHS = ['/t/acme/password/forgot', '/t/acme/oauth2/token/.well-known/openid-configuration', '/t/acme/scim2/Users', '/t/acme/api/server/v1/applications', '/health/live', '/nowhere'];

  it('is on every response when PUBLIC_URL is https', async () => {
    const bed = await createScimTestBed({ publicUrl: 'https://id.example.com' });
    try {
      await createOrganization(bed.system, 'acme');
      for (const url of PATHS) {
        const response = await bed.app.inject({ method: 'GET', url });
        expect(response.headers['strict-transport-security'], url).toBe('max-age=31536000; includeSubDomains');
      }
    } finally {
      await bed.close();
    }
  });

  it('is absent when PUBLIC_URL is http', async () => {
    const bed = await createScimTestBed({ publicUrl: 'http://localhost:3000' });
    try {
      await createOrganization(bed.system, 'acme');
      for (const url of PATHS) {
        const response = await bed.app.inject({ method: 'GET', url });
        expect(response.headers['strict-transport-security'], url).toBeUndefined();
      }
    } finally {
      await bed.close();
    }
  });
});
