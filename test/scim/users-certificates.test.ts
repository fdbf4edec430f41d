// x509Certificates (RFC 7643 section 4.1.2): a multi-valued attribute whose values are base64 of
// DER certificates (the "binary" type, section 2.3.6). Stored byte-exact through POST, PUT and
// PATCH (value paths included), returned by GET and lists, selectable with attributes and
// excludedAttributes, described by /Schemas; anything that is not base64 is invalidValue. Also
// entitlements and roles, the other section 4.1.2 attributes without canonical types.

import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimTestBed, scimClient, newUser, PATCH_SCHEMA, USER_SCHEMA, type ScimTestBed } from '../support/scim.ts';
import { expectScimError } from './users-support.ts';

type Client = Awaited<ReturnType<typeof scimClient>>;

// Two self-signed P-256 certificates made with openssl for these tests (CN ann.lee@ and
// ann.lee-laptop@example.test); real DER, so a value that comes back must still parse.
const DESKTOP = 'MIIBkzCCATmgAwIBAgIUKTooEadYDSijGHJeRepchj3qfjkwCgYIKoZIzj0EAwIwHzEdMBsGA1UEAwwUYW5uLmxlZUBleGFtcGxlLnRlc3QwHhcNMjYxMjA0MDI1MTQ2WhcNMzYxMjAxMDI1MTQ2WjAfMR0wGwYDVQQDDBRhbm4ubGVlQGV4YW1wbGUudGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABLOhza4wdM2bbqouGQVTbxvjcAMSpUTLemC/7/MFuLvxZp3VMAcOlybEr1TwbQVbq3f287Z6EQWQcWZrsSm1zeWjUzBRMB0GA1UdDgQWBBQjnl0hYD8Nm1dOdklHCIFCMDwyoTAfBgNVHSMEGDAWgBQjnl0hYD8Nm1dOdklHCIFCMDwyoTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDdAPwqrFBCVli+L+yA8NyyWnVviozvRgC2nwlF4K+hpgIgNT7uVtzzxWTdJ98btiljyDN7kVo/R7zHSrsZchQeVws=';
const LAPTOP = 'MIIBojCCAUegAwIBAgIUP/yr59vYZRwyPsYZUzuswVzc/0owCgYIKoZIzj0EAwIwJjEkMCIGA1UEAwwbYW5uLmxlZS1sYXB0b3BAZXhhbXBsZS50ZXN0MB4XDTI2MTIwNDAyNTE1MFoXDTM2MTIwMTAyNTE1MFowJjEkMCIGA1UEAwwbYW5uLmxlZS1sYXB0b3BAZXhhbXBsZS50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7IhF0RQdOs1iJIm7Y0SouvCJeyHnyQhUPwpWm3qms0TSjraY/yfUjRq/0xjutbt91d5d5Q1UJpwQTzLWX7c9yKNTMFEwHQYDVR0OBBYEFF7C04wP2zyXXLP16aqbf0XqA11ZMB8GA1UdIwQYMBaAFF7C04wP2zyXXLP16aqbf0XqA11ZMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhALKLHhy4TCR0+Laowby+h0ASGEfsWrFflE7H+M5ZIW7YAiEAqLnuXbHaf4yQUBXNTyPUgPH66Z4us+NnOYa41/amXCI=';

function patch(...operations: unknown[]) {
  return { schemas: [PATCH_SCHEMA], Operations: operations };
}

function subjectOf(base64: string): string {
  return new X509Certificate(Buffer.from(base64, 'base64')).subject;
}

describe('SCIM user x509Certificates, entitlements and roles', () => {
  let bed: ScimTestBed;
  let acme: Client;
  let n = 0;

  beforeAll(async () => {
    bed = await createScimTestBed();
    acme = await scimClient(bed, 'acme');
  });
  afterAll(() => bed.close());

  async function create(extra: Record<string, unknown> = {}) {
    n += 1;
    const res = await acme.request('POST', '/Users', newUser(`cert-${n}-${Date.now()}@example.test`, extra));
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Record<string, any>;
  }

  it('POST stores the certificates byte-exact with type, display and primary; GET and the list return them', async () => {
    const certificates = [
      { value: DESKTOP, type: 'desktop', display: 'Office PC', primary: true },
      { value: LAPTOP, type: 'laptop' },
    ];
    const user = await create({ x509Certificates: certificates, entitlements: [{ value: 'vpn', primary: true }], roles: [{ value: 'auditor', type: 'finance' }] });
    expect(user.x509Certificates).toEqual(certificates);
    expect(user.entitlements).toEqual([{ value: 'vpn', primary: true }]);
    expect(user.roles).toEqual([{ value: 'auditor', type: 'finance' }]);
    const got = (await acme.request('GET', `/Users/${user.id}`)).json();
    expect(got.x509Certificates).toEqual(certificates);
    expect(subjectOf(got.x509Certificates[0].value)).toBe('CN=ann.lee@example.test');
    const listed = (await acme.request('GET', `/Users?filter=${encodeURIComponent(`id eq "${user.id}"`)}`)).json();
    expect(listed.Resources[0].x509Certificates).toEqual(certificates);
  });

  it('PUT replaces them and unassigns them when left out', async () => {
    const user = await create({ x509Certificates: [{ value: DESKTOP }] });
    const replaced = await acme.request('PUT', `/Users/${user.id}`, newUser(user.userName, { x509Certificates: [{ value: LAPTOP, type: 'laptop' }] }));
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().x509Certificates).toEqual([{ value: LAPTOP, type: 'laptop' }]);
    const cleared = await acme.request('PUT', `/Users/${user.id}`, newUser(user.userName));
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).not.toHaveProperty('x509Certificates');
    expect((await acme.request('GET', `/Users/${user.id}`)).json()).not.toHaveProperty('x509Certificates');
  });

  it('PATCH add, replace and remove, whole and through value paths', async () => {
    const user = await create();
    const added = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'add', path: 'x509Certificates', value: [{ value: DESKTOP, type: 'desktop', primary: true }] }));
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().x509Certificates).toEqual([{ value: DESKTOP, type: 'desktop', primary: true }]);

    // A value path on a type not there yet creates the entry; primary moves to the new one.
    const laptop = await acme.request(
      'PATCH',
      `/Users/${user.id}`,
      patch({ op: 'Add', path: 'x509Certificates[type eq "laptop"].value', value: LAPTOP }, { op: 'Replace', path: 'x509Certificates[type eq "laptop"].primary', value: true }),
    );
    expect(laptop.statusCode, laptop.body).toBe(200);
    expect(laptop.json().x509Certificates).toEqual([
      { value: DESKTOP, type: 'desktop', primary: false },
      { value: LAPTOP, type: 'laptop', primary: true },
    ]);

    const replaced = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'x509Certificates[type eq "desktop"].value', value: LAPTOP }));
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().x509Certificates.map((c: any) => [c.type, c.value])).toEqual([['desktop', LAPTOP], ['laptop', LAPTOP]]);

    const removedOne = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'remove', path: 'x509Certificates[type eq "desktop"]' }));
    expect(removedOne.statusCode, removedOne.body).toBe(200);
    expect(removedOne.json().x509Certificates).toEqual([{ value: LAPTOP, type: 'laptop', primary: true }]);

    const removedAll = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'remove', path: 'x509Certificates' }));
    expect(removedAll.statusCode, removedAll.body).toBe(200);
    expect(removedAll.json()).not.toHaveProperty('x509Certificates');
    expect((await acme.request('GET', `/Users/${user.id}`)).json()).not.toHaveProperty('x509Certificates');
  });

  it('PATCH without a path merges the certificates in', async () => {
    const user = await create({ x509Certificates: [{ value: DESKTOP }] });
    const res = await acme.request('PATCH', `/Users/${user.id}`, patch({ op: 'add', value: { x509Certificates: [{ value: LAPTOP }] } }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().x509Certificates).toEqual([{ value: DESKTOP }, { value: LAPTOP }]);
  });

  it('a value that is not base64 is invalidValue on POST, PUT and PATCH, and nothing is stored', async () => {
    const notBase64 = ['-----BEGIN CERTIFICATE-----', 'MIIB$$', 'MIIBk', 'MIIB\nkzCC', 'MIIBkzC=C'];
    for (const value of notBase64) {
      const posted = await acme.request('POST', '/Users', newUser(`cert-bad-${Date.now()}@example.test`, { x509Certificates: [{ value }] }));
      const body = expectScimError(posted, 400, 'invalidValue');
      expect(body.detail, value).toMatch(/x509Certificates\[0\]\.value must be base64/);
    }
    const numeric = await acme.request('POST', '/Users', newUser(`cert-bad-${Date.now()}@example.test`, { x509Certificates: [{ value: 42 }] }));
    expectScimError(numeric, 400, 'invalidValue');

    const user = await create({ x509Certificates: [{ value: DESKTOP, type: 'desktop' }] });
    expectScimError(await acme.request('PUT', `/Users/${user.id}`, newUser(user.userName, { x509Certificates: [{ value: 'not base64!' }] })), 400, 'invalidValue');
    for (const operation of [
      { op: 'add', path: 'x509Certificates', value: [{ value: 'not base64!' }] },
      { op: 'replace', path: 'x509Certificates[type eq "desktop"].value', value: 'not base64!' },
      { op: 'add', path: 'x509Certificates[type eq "laptop"].value', value: 'MIIB$$' },
    ]) {
      const res = await acme.request('PATCH', `/Users/${user.id}`, patch(operation));
      expect(expectScimError(res, 400, 'invalidValue').detail).toMatch(/base64/);
    }
    const after = (await acme.request('GET', `/Users/${user.id}`)).json();
    expect(after.x509Certificates).toEqual([{ value: DESKTOP, type: 'desktop' }]);
    expect(after.meta.version).toBe(user.meta.version);
  });

  it('attributes and excludedAttributes select them', async () => {
    const user = await create({ x509Certificates: [{ value: DESKTOP, type: 'desktop' }], title: 'Engineer' });
    const only = (await acme.request('GET', `/Users/${user.id}?attributes=x509Certificates`)).json();
    expect(only.x509Certificates).toEqual([{ value: DESKTOP, type: 'desktop' }]);
    expect(only).not.toHaveProperty('title');
    expect(only.userName).toBe(user.userName);
    const sub = (await acme.request('GET', `/Users/${user.id}?attributes=x509Certificates.value`)).json();
    expect(sub.x509Certificates).toEqual([{ value: DESKTOP }]);
    const without = (await acme.request('GET', `/Users/${user.id}?excludedAttributes=x509Certificates`)).json();
    expect(without).not.toHaveProperty('x509Certificates');
    expect(without.title).toBe('Engineer');
    const listed = (await acme.request('GET', `/Users?filter=${encodeURIComponent(`id eq "${user.id}"`)}&excludedAttributes=x509Certificates`)).json();
    expect(listed.Resources[0]).not.toHaveProperty('x509Certificates');
  });

  it('/Schemas describes x509Certificates.value as binary and caseExact', async () => {
    const res = await acme.request('GET', `/Schemas/${USER_SCHEMA}`);
    expect(res.statusCode, res.body).toBe(200);
    const attributes = res.json().attributes as Array<{ name: string; type: string; multiValued: boolean; subAttributes?: Array<{ name: string; type: string; caseExact: boolean }> }>;
    const certificates = attributes.find((a) => a.name === 'x509Certificates');
    expect(certificates).toMatchObject({ type: 'complex', multiValued: true });
    expect(certificates?.subAttributes?.find((s) => s.name === 'value')).toMatchObject({ type: 'binary', caseExact: true });
    expect(certificates?.subAttributes?.map((s) => s.name).sort()).toEqual(['display', 'primary', 'type', 'value']);
    for (const name of ['entitlements', 'roles']) expect(attributes.find((a) => a.name === name)).toMatchObject({ type: 'complex', multiValued: true });
  });
});
