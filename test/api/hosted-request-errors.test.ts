// Issue 13 item 8: the hosted pages answered Fastify's own refusals (a body in a format no form
// sends, one too large) with the JSON meant for APIs. They now answer with a page; the APIs keep
// their JSON.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization } from '../support/system.ts';
import { createScimTestBed, type ScimTestBed } from '../support/scim.ts';

describe('framework refusals on the hosted pages', () => {
  let bed: ScimTestBed;

  beforeAll(async () => {
    bed = await createScimTestBed();
    await createOrganization(bed.system, 'acme');
  });
  afterAll(() => bed?.close());

  const post = (url: string, contentType: string, payload: string) => bed.app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });

  it('answers a body in a format no form sends with a 415 page', async () => {
    const res = await post('/t/acme/password/forgot', 'application/xml', '<email>ann@acme.test</email>');
    expect(res.statusCode).toBe(415);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('This page accepts its own form only');
    expect(res.body).not.toContain('FST_');
  });

  it('answers a body over the limit with a 413 page', async () => {
    const res = await post('/t/acme/register', 'application/x-www-form-urlencoded', `email=${'a'.repeat(1024 * 1024 + 10)}`);
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('too large');
  });

  it('leaves the APIs their JSON', async () => {
    const res = await post('/t/acme/api/server/v1/invitations', 'application/xml', '<x/>');
    expect(res.statusCode).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});
