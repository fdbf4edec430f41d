import { describe, expect, it } from 'vitest';
import { toBool, toDate, toOptionalDate } from './values.ts';

describe('row values', () => {
  it('reads a Date (PostgreSQL) as itself and ISO text (SQLite) as the same instant', () => {
    const instant = new Date('2031-04-05T06:07:08.123Z');
    expect(toDate(instant)).toBe(instant);
    expect(toDate('2031-04-05T06:07:08.123Z').getTime()).toBe(instant.getTime());
    expect(toOptionalDate(null)).toBeNull();
    expect(toOptionalDate('2031-04-05T06:07:08.123Z')).toEqual(instant);
  });

  it('reads booleans (PostgreSQL) and 0/1 (SQLite) as booleans', () => {
    expect(toBool(true)).toBe(true);
    expect(toBool(false)).toBe(false);
    expect(toBool(1)).toBe(true);
    expect(toBool(0)).toBe(false);
  });
});
