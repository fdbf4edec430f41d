// Replays the recorded provisioning sequences in test/scim/fixtures/*.json (Entra ID, Okta) in
// order, with their headers (Okta's Content-Type on a DELETE with no body), and checks each
// answer is one the client accepts. See each fixture's `sources` for where the shapes come from.

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, type ScimTestBed } from '../support/scim.ts';

interface Step {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  expect?: { status: number; body?: unknown; contains?: Record<string, unknown[]>; counts?: Record<string, number>; sameVersionAsPrevious?: boolean };
  expectStatusIn?: number[];
  save?: Record<string, string>;
}

interface Fixture {
  client: string;
  headers: Record<string, string>;
  steps: Step[];
}

const FIXTURES = ['entra-id-provisioning.json', 'okta-provisioning.json'];

function substitute<T>(value: T, vars: Record<string, string>): T {
  return JSON.parse(JSON.stringify(value).replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`no saved value {{${name}}}`);
    return vars[name];
  }));
}

for (const file of FIXTURES) {
  const fixture = JSON.parse(fs.readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as Fixture;

  describe(`provisioning fixture replay: ${fixture.client} (${file})`, () => {
    let bed: ScimTestBed;
    let token: string;
    const vars: Record<string, string> = {};
    let lastEtag: string | undefined;

    beforeAll(async () => {
      bed = await createScimTestBed();
      token = (await scimClient(bed, 'replay')).token;
    });
    afterAll(() => bed.close());

    for (const step of fixture.steps) {
      it(step.name, async () => {
        const res = await bed.app.inject({
          method: step.method,
          url: `/t/replay/scim2${substitute(step.path, vars)}`,
          headers: { ...fixture.headers, authorization: `Bearer ${token}` },
          ...(step.body !== undefined && { payload: JSON.stringify(substitute(step.body, vars)) }),
        });
        if (step.expectStatusIn) expect(step.expectStatusIn, res.body).toContain(res.statusCode);
        if (step.expect) expect(res.statusCode, res.body).toBe(step.expect.status);
        if (res.statusCode !== 204) expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
        const json = res.body ? res.json() : undefined;
        if (step.expect?.body) expect(json).toMatchObject(substitute(step.expect.body, vars) as object);
        for (const [key, values] of Object.entries(step.expect?.contains ?? {})) {
          for (const value of values) expect(json[key], key).toContainEqual(substitute(value, vars));
        }
        for (const [key, count] of Object.entries(step.expect?.counts ?? {})) expect(json[key], key).toHaveLength(count);
        if (step.expect?.sameVersionAsPrevious) expect(res.headers.etag).toBe(lastEtag);
        if (res.headers.etag) lastEtag = String(res.headers.etag);
        for (const [name, key] of Object.entries(step.save ?? {})) vars[name] = json[key];
      });
    }
  });
}
