// Evaluates a SCIM filter (RFC 7644 section 3.4.2.2) against one JSON object: the values of a
// multi-valued attribute when a PATCH path carries a value filter (`emails[type eq "work"]`),
// or a whole resource. Pure: no schema, no I/O.
//
// - Attribute names match case-insensitively (RFC 7643 section 2.1). A path with a schema URI
//   (`urn:...:enterprise:2.0:User:department`) looks inside the object keyed by that URI, and at
//   the top level when there is none (a core attribute written in full).
// - Strings compare case-insensitively unless `caseExact(name)` says otherwise; `name` is the
//   attribute as written in the filter, `attr` or `attr.sub` (no URI).
// - A multi-valued attribute matches when any of its values does; `ne` is the negation of `eq`.
// - gt/ge/lt/le: numbers numerically, dateTimes chronologically, other strings lexicographically.
//   A boolean or null operand is refused with invalidFilter, as the RFC requires for booleans.
// - `pr` needs a non-empty value: not null, not "", not [], not an object without a present value.

import { invalidFilter } from '../errors.ts';
import type { AttrPath, CompareOperator, CompareValue, FilterNode } from './ast.ts';

export type CaseExact = (attrName: string) => boolean;

const notCaseExact: CaseExact = () => false;

export function matchesFilter(value: Record<string, unknown>, filter: FilterNode, caseExact: CaseExact = notCaseExact): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesFilter(value, filter.left, caseExact) && matchesFilter(value, filter.right, caseExact);
    case 'or':
      return matchesFilter(value, filter.left, caseExact) || matchesFilter(value, filter.right, caseExact);
    case 'not':
      return !matchesFilter(value, filter.filter, caseExact);
    case 'present':
      return candidates(value, filter.path).some(isPresent);
    case 'valuePath': {
      const inner = filter.filter;
      return candidates(value, filter.path).some((item) => isObject(item) && matchesFilter(item, inner, caseExact));
    }
    case 'compare': {
      const exact = caseExact(nameOf(filter.path));
      const values = candidates(value, filter.path);
      const expected = filter.value;
      const eq = () => (expected === null ? !values.some(isPresent) : values.some((v) => compare(v, 'eq', expected, exact)));
      if (filter.op === 'eq') return eq();
      if (filter.op === 'ne') return !eq();
      const op = filter.op;
      if ((expected === null || typeof expected === 'boolean') && op !== 'co' && op !== 'sw' && op !== 'ew') {
        throw invalidFilter(`"${op}" cannot compare with ${String(expected)}`);
      }
      return values.some((v) => compare(v, op, expected, exact));
    }
  }
}

/** Case-insensitive own-property lookup. */
export function getCaseInsensitive(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lower) return object[key];
  }
  return undefined;
}

/** Whether a value counts as present for `pr` (and as assigned, RFC 7643 section 2.5). */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isObject(value)) return Object.values(value).some(isPresent);
  return true;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** An xsd:dateTime with a zone (RFC 7643 section 2.3.5), as milliseconds; undefined if it is not one. */
export function parseDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !DATE_TIME.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function nameOf(path: AttrPath): string {
  return path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The values a path designates in `object`, arrays flattened (any value of a multi-valued attribute may match). */
function candidates(object: Record<string, unknown>, path: AttrPath): unknown[] {
  let scope: Record<string, unknown> = object;
  if (path.uri !== undefined) {
    const extension = getCaseInsensitive(object, path.uri);
    if (isObject(extension)) scope = extension;
  }
  const top = flatten(getCaseInsensitive(scope, path.attribute));
  if (path.subAttribute === undefined) return top;
  const sub = path.subAttribute;
  return top.flatMap((item) => (isObject(item) ? flatten(getCaseInsensitive(item, sub)) : []));
}

function flatten(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function compare(actual: unknown, op: CompareOperator, expected: CompareValue, exact: boolean): boolean {
  if (op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') return order(actual, op, expected, exact);
  if (op === 'eq') return equals(actual, expected, exact);
  // co, sw, ew: strings only.
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  const a = exact ? actual : actual.toLowerCase();
  const e = exact ? expected : expected.toLowerCase();
  if (op === 'co') return a.includes(e);
  if (op === 'sw') return a.startsWith(e);
  return a.endsWith(e); // ew
}

function equals(actual: unknown, expected: CompareValue, exact: boolean): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') {
    const a = parseDateTime(actual);
    const e = parseDateTime(expected);
    if (a !== undefined && e !== undefined) return a === e;
    return exact ? actual === expected : actual.toLowerCase() === expected.toLowerCase();
  }
  return actual === expected;
}

function order(actual: unknown, op: 'gt' | 'ge' | 'lt' | 'le', expected: CompareValue, exact: boolean): boolean {
  if (typeof actual === 'boolean' || typeof expected === 'boolean' || expected === null) {
    throw invalidFilter(`"${op}" cannot order booleans or null`);
  }
  let sign: number;
  if (typeof actual === 'number' && typeof expected === 'number') {
    sign = Math.sign(actual - expected);
  } else if (typeof actual === 'string' && typeof expected === 'string') {
    const a = parseDateTime(actual);
    const e = parseDateTime(expected);
    if (a !== undefined && e !== undefined) {
      sign = Math.sign(a - e);
    } else {
      const left = exact ? actual : actual.toLowerCase();
      const right = exact ? expected : expected.toLowerCase();
      sign = left < right ? -1 : left > right ? 1 : 0;
    }
  } else {
    return false; // absent, complex, or of another type than the operand
  }
  switch (op) {
    case 'gt':
      return sign > 0;
    case 'ge':
      return sign >= 0;
    case 'lt':
      return sign < 0;
    case 'le':
      return sign <= 0;
  }
}
