import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors.ts';
import type { AttrPath, CompareOperator, CompareValue, FilterNode } from './ast.ts';
import { getCaseInsensitive, isPresent, matchesFilter, parseDateTime } from './evaluate.ts';

// Filters are built as trees here so these tests do not depend on the parser.
const path = (attribute: string, subAttribute?: string, uri?: string): AttrPath => ({
  attribute,
  ...(subAttribute !== undefined && { subAttribute }),
  ...(uri !== undefined && { uri }),
});
const cmp = (attribute: string, op: CompareOperator, value: CompareValue): FilterNode => ({ kind: 'compare', path: path(attribute), op, value });
const pr = (attribute: string): FilterNode => ({ kind: 'present', path: path(attribute) });
const and = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'and', left, right });
const or = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'or', left, right });
const not = (filter: FilterNode): FilterNode => ({ kind: 'not', filter });

const email = { type: 'work', value: 'Ada@Example.com', primary: true };

describe('matchesFilter on one value of a multi-valued attribute', () => {
  it('eq compares strings case-insensitively, and attribute names too', () => {
    expect(matchesFilter(email, cmp('type', 'eq', 'work'))).toBe(true);
    expect(matchesFilter(email, cmp('TYPE', 'eq', 'WORK'))).toBe(true);
    expect(matchesFilter(email, cmp('value', 'eq', 'ada@example.com'))).toBe(true);
    expect(matchesFilter(email, cmp('type', 'eq', 'home'))).toBe(false);
    expect(matchesFilter({ Type: 'work' }, cmp('type', 'eq', 'work'))).toBe(true);
  });

  it('honours caseExact for the attributes the predicate names', () => {
    const member = { value: 'a1B2', display: 'ada@example.com' };
    const exactValue = (name: string) => name.toLowerCase() === 'value';
    expect(matchesFilter(member, cmp('value', 'eq', 'A1b2'))).toBe(true);
    expect(matchesFilter(member, cmp('value', 'eq', 'A1b2'), exactValue)).toBe(false);
    expect(matchesFilter(member, cmp('value', 'eq', 'a1B2'), exactValue)).toBe(true);
    expect(matchesFilter(member, cmp('display', 'eq', 'ADA@example.com'), exactValue)).toBe(true);
    expect(matchesFilter(member, cmp('value', 'sw', 'A1'), exactValue)).toBe(false);
  });

  it('ne is the negation of eq, also when the attribute is absent', () => {
    expect(matchesFilter(email, cmp('type', 'ne', 'home'))).toBe(true);
    expect(matchesFilter(email, cmp('type', 'ne', 'WORK'))).toBe(false);
    expect(matchesFilter({ value: 'x' }, cmp('type', 'ne', 'work'))).toBe(true);
  });

  it('compares booleans and numbers by type, never by their text', () => {
    expect(matchesFilter(email, cmp('primary', 'eq', true))).toBe(true);
    expect(matchesFilter(email, cmp('primary', 'eq', false))).toBe(false);
    expect(matchesFilter({ primary: 'true' }, cmp('primary', 'eq', true))).toBe(false);
    expect(matchesFilter({ n: 3 }, cmp('n', 'eq', 3))).toBe(true);
    expect(matchesFilter({ n: '3' }, cmp('n', 'eq', 3))).toBe(false);
  });

  it('eq null matches an unassigned attribute, ne null an assigned one', () => {
    expect(matchesFilter({ value: 'x' }, cmp('type', 'eq', null))).toBe(true);
    expect(matchesFilter({ value: 'x', type: null }, cmp('type', 'eq', null))).toBe(true);
    expect(matchesFilter(email, cmp('type', 'eq', null))).toBe(false);
    expect(matchesFilter(email, cmp('type', 'ne', null))).toBe(true);
    expect(matchesFilter({ value: 'x' }, cmp('type', 'ne', null))).toBe(false);
  });

  it('co, sw and ew work on strings, case-insensitively', () => {
    expect(matchesFilter(email, cmp('value', 'co', '@EXAMPLE'))).toBe(true);
    expect(matchesFilter(email, cmp('value', 'sw', 'ada@'))).toBe(true);
    expect(matchesFilter(email, cmp('value', 'ew', '.COM'))).toBe(true);
    expect(matchesFilter(email, cmp('value', 'ew', '.org'))).toBe(false);
    expect(matchesFilter(email, cmp('value', 'sw', ''))).toBe(true);
    expect(matchesFilter({ n: 12 }, cmp('n', 'co', '1'))).toBe(false);
    expect(matchesFilter(email, cmp('missing', 'co', 'a'))).toBe(false);
  });

  it('pr needs a non-empty value', () => {
    expect(matchesFilter(email, pr('type'))).toBe(true);
    expect(matchesFilter(email, pr('display'))).toBe(false);
    expect(matchesFilter({ type: '' }, pr('type'))).toBe(false);
    expect(matchesFilter({ type: null }, pr('type'))).toBe(false);
    expect(matchesFilter({ primary: false }, pr('primary'))).toBe(true);
    expect(matchesFilter({ list: [] }, pr('list'))).toBe(false);
    expect(matchesFilter({ list: ['a'] }, pr('list'))).toBe(true);
    expect(matchesFilter({ name: {} }, pr('name'))).toBe(false);
    expect(matchesFilter({ name: { givenName: null } }, pr('name'))).toBe(false);
    expect(matchesFilter({ name: { givenName: 'Ada' } }, pr('name'))).toBe(true);
  });

  it('combines with and, or and not', () => {
    expect(matchesFilter(email, and(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)))).toBe(true);
    expect(matchesFilter(email, and(cmp('type', 'eq', 'work'), cmp('primary', 'eq', false)))).toBe(false);
    expect(matchesFilter(email, or(cmp('type', 'eq', 'home'), cmp('primary', 'eq', true)))).toBe(true);
    expect(matchesFilter(email, or(cmp('type', 'eq', 'home'), cmp('primary', 'eq', false)))).toBe(false);
    expect(matchesFilter(email, not(cmp('type', 'eq', 'home')))).toBe(true);
    expect(matchesFilter(email, not(and(pr('type'), not(pr('display')))))).toBe(false);
  });
});

describe('matchesFilter ordering operators', () => {
  it('orders strings lexicographically, ignoring case unless caseExact', () => {
    expect(matchesFilter({ s: 'banana' }, cmp('s', 'gt', 'apple'))).toBe(true);
    expect(matchesFilter({ s: 'banana' }, cmp('s', 'gt', 'Cherry'))).toBe(false);
    expect(matchesFilter({ s: 'Banana' }, cmp('s', 'lt', 'apple'))).toBe(false);
    expect(matchesFilter({ s: 'Banana' }, cmp('s', 'lt', 'apple'), () => true)).toBe(true);
    expect(matchesFilter({ s: 'b' }, cmp('s', 'ge', 'B'))).toBe(true);
    expect(matchesFilter({ s: 'b' }, cmp('s', 'le', 'B'))).toBe(true);
  });

  it('orders numbers numerically', () => {
    expect(matchesFilter({ n: 10 }, cmp('n', 'gt', 9))).toBe(true);
    expect(matchesFilter({ n: 10 }, cmp('n', 'ge', 10))).toBe(true);
    expect(matchesFilter({ n: 10 }, cmp('n', 'lt', 10))).toBe(false);
    expect(matchesFilter({ n: 2.5 }, cmp('n', 'le', 2.5))).toBe(true);
    expect(matchesFilter({ n: '10' }, cmp('n', 'gt', 9))).toBe(false);
    expect(matchesFilter({}, cmp('n', 'gt', 9))).toBe(false);
  });

  it('orders dateTimes chronologically, across zones and precisions', () => {
    const meta = { lastModified: '2024-05-01T10:00:00+02:00' };
    expect(matchesFilter(meta, cmp('lastModified', 'gt', '2024-05-01T07:59:59Z'))).toBe(true);
    expect(matchesFilter(meta, cmp('lastModified', 'lt', '2024-05-01T08:00:00.001Z'))).toBe(true);
    expect(matchesFilter(meta, cmp('lastModified', 'ge', '2024-05-01T08:00:00Z'))).toBe(true);
    expect(matchesFilter(meta, cmp('lastModified', 'le', '2024-05-01T07:00:00Z'))).toBe(false);
    expect(matchesFilter(meta, cmp('lastModified', 'eq', '2024-05-01T08:00:00.000Z'))).toBe(true);
    // Lexicographically "2024-05-01T10" > "2024-05-01T09", chronologically it is earlier.
    expect(matchesFilter({ at: '2024-05-01T10:00:00+02:00' }, cmp('at', 'gt', '2024-05-01T09:00:00Z'))).toBe(false);
  });

  it('refuses to order booleans or null with invalidFilter', () => {
    for (const filter of [cmp('primary', 'gt', 'a'), cmp('type', 'gt', true), cmp('type', 'lt', null), cmp('missing', 'ge', false)]) {
      let error: unknown;
      try {
        matchesFilter(email, filter);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).scimType).toBe('invalidFilter');
      expect((error as ScimError).status).toBe(400);
    }
  });
});

describe('matchesFilter on a whole resource', () => {
  const user = {
    userName: 'ada@example.com',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [
      { value: 'ada@example.com', type: 'work', primary: true },
      { value: 'ada@home.example', type: 'home' },
    ],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Engines' },
  };

  it('follows sub-attributes and any value of a multi-valued attribute', () => {
    expect(matchesFilter(user, { kind: 'compare', path: path('name', 'familyName'), op: 'eq', value: 'lovelace' })).toBe(true);
    expect(matchesFilter(user, { kind: 'compare', path: path('emails', 'type'), op: 'eq', value: 'home' })).toBe(true);
    expect(matchesFilter(user, { kind: 'compare', path: path('emails', 'type'), op: 'eq', value: 'other' })).toBe(false);
    expect(matchesFilter(user, { kind: 'present', path: path('emails', 'primary') })).toBe(true);
  });

  it('evaluates a nested value filter against each value', () => {
    const work = (type: string): FilterNode => ({ kind: 'valuePath', path: path('emails'), filter: and(cmp('type', 'eq', type), cmp('value', 'ew', 'example.com')) });
    expect(matchesFilter(user, work('work'))).toBe(true);
    expect(matchesFilter(user, work('home'))).toBe(false);
  });

  it('finds extension attributes through their schema URI', () => {
    const uri = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    expect(matchesFilter(user, { kind: 'compare', path: path('department', undefined, uri), op: 'eq', value: 'engines' })).toBe(true);
    expect(matchesFilter(user, { kind: 'compare', path: path('department', undefined, uri.toUpperCase()), op: 'eq', value: 'engines' })).toBe(true);
    expect(matchesFilter(user, { kind: 'compare', path: path('userName', undefined, 'urn:ietf:params:scim:schemas:core:2.0:User'), op: 'eq', value: 'ADA@example.com' })).toBe(true);
    expect(matchesFilter(user, { kind: 'present', path: path('department') })).toBe(false);
  });

  it('passes the attribute name as written to caseExact', () => {
    const seen: string[] = [];
    matchesFilter(user, { kind: 'compare', path: path('name', 'givenName'), op: 'eq', value: 'Ada' }, (name) => {
      seen.push(name);
      return false;
    });
    expect(seen).toEqual(['name.givenName']);
  });
});

describe('helpers', () => {
  it('getCaseInsensitive prefers the exact key and ignores inherited ones', () => {
    expect(getCaseInsensitive({ Value: 1, value: 2 }, 'value')).toBe(2);
    expect(getCaseInsensitive({ Value: 1 }, 'VALUE')).toBe(1);
    expect(getCaseInsensitive({}, 'toString')).toBeUndefined();
  });

  it('isPresent follows RFC 7643 section 2.5', () => {
    expect([undefined, null, '', [], {}, [null], { a: null }].map(isPresent)).toEqual([false, false, false, false, false, false, false]);
    expect([0, false, 'x', [1], { a: 0 }].map(isPresent)).toEqual([true, true, true, true, true]);
  });

  it('parseDateTime accepts xsd:dateTime with a zone only', () => {
    expect(parseDateTime('2024-05-01T08:00:00Z')).toBe(Date.UTC(2024, 4, 1, 8));
    expect(parseDateTime('2024-05-01T10:00:00.5+02:00')).toBe(Date.UTC(2024, 4, 1, 8, 0, 0, 500));
    expect(parseDateTime('2024-05-01')).toBeUndefined();
    expect(parseDateTime('2024-05-01T08:00:00')).toBeUndefined();
    expect(parseDateTime('2024-13-01T08:00:00Z')).toBeUndefined();
    expect(parseDateTime(12)).toBeUndefined();
  });
});
