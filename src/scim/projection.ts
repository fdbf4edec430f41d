// `attributes` and `excludedAttributes` (RFC 7644 section 3.4.2.5): which attributes of a
// resource a response carries. `id`, `schemas` and attributes returned "always" stay.

import type { AttributeDefinition, ResourceSchema } from './schema-definitions.ts';

export interface Projection {
  attributes?: string[];
  excludedAttributes?: string[];
}

/** Splits a comma-separated parameter into trimmed names. */
export function parseAttributeList(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const list = Array.isArray(value) ? value.flatMap((v) => String(v).split(',')) : String(value).split(',');
  const names = list.map((s) => s.trim()).filter(Boolean);
  return names.length > 0 ? names : undefined;
}

interface Parsed {
  /** Top-level key as it appears in the resource (extension URI, or core attribute name), lower-cased. */
  top: string;
  /** The attribute inside an extension object, or the sub-attribute of a core attribute, lower-cased. */
  inner?: string;
}

function parsePath(path: string, schema: ResourceSchema): Parsed {
  const lower = path.toLowerCase();
  for (const extension of schema.extensions) {
    const uri = extension.id.toLowerCase();
    if (lower === uri) return { top: uri };
    if (lower.startsWith(`${uri}:`)) return { top: uri, inner: lower.slice(uri.length + 1).split('.')[0] };
  }
  const core = schema.core.id.toLowerCase();
  const local = lower.startsWith(`${core}:`) ? lower.slice(core.length + 1) : lower;
  const [top, inner] = local.split('.');
  return { top, inner };
}

function alwaysReturned(schema: ResourceSchema): Set<string> {
  const always = new Set(['id', 'schemas']);
  schema.core.attributes.filter((a: AttributeDefinition) => a.returned === 'always').forEach((a) => always.add(a.name.toLowerCase()));
  return always;
}

function pickKeys(object: Record<string, unknown>, keep: (key: string) => boolean): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => keep(key.toLowerCase())));
}

export function project(resource: Record<string, unknown>, schema: ResourceSchema, projection: Projection): Record<string, unknown> {
  const always = alwaysReturned(schema);
  if (projection.attributes) {
    const wanted = projection.attributes.map((p) => parsePath(p, schema));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(resource)) {
      const lower = key.toLowerCase();
      if (always.has(lower)) {
        out[key] = value;
        continue;
      }
      const matches = wanted.filter((w) => w.top === lower);
      if (matches.length === 0) continue;
      if (matches.some((m) => !m.inner) || typeof value !== 'object' || value === null) {
        out[key] = value;
      } else if (Array.isArray(value)) {
        const inner = new Set(matches.map((m) => m.inner!));
        out[key] = value.map((v) => (typeof v === 'object' && v !== null ? pickKeys(v as Record<string, unknown>, (k) => inner.has(k)) : v));
      } else {
        const inner = new Set(matches.map((m) => m.inner!));
        out[key] = pickKeys(value as Record<string, unknown>, (k) => inner.has(k));
      }
    }
    return out;
  }
  if (projection.excludedAttributes) {
    const excluded = projection.excludedAttributes.map((p) => parsePath(p, schema));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(resource)) {
      const lower = key.toLowerCase();
      const matches = excluded.filter((e) => e.top === lower);
      if (always.has(lower) || matches.length === 0) {
        out[key] = value;
      } else if (matches.some((m) => !m.inner)) {
        continue;
      } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const inner = new Set(matches.map((m) => m.inner!));
        out[key] = pickKeys(value as Record<string, unknown>, (k) => !inner.has(k));
      } else if (Array.isArray(value)) {
        const inner = new Set(matches.map((m) => m.inner!));
        out[key] = value.map((v) => (typeof v === 'object' && v !== null ? pickKeys(v as Record<string, unknown>, (k) => !inner.has(k)) : v));
      } else {
        out[key] = value;
      }
    }
    return out;
  }
  return resource;
}
