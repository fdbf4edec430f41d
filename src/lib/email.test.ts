import { describe, expect, it } from 'vitest';
import { canonicalEmail, isValidEmail } from './email.ts';

describe('canonicalEmail', () => {
  it('trims surrounding whitespace and lower-cases the whole address', () => {
    expect(canonicalEmail('  Ann@Acme.TEST ')).toBe('ann@acme.test');
    expect(canonicalEmail('\tBOB.Smith+Tag@Example.COM\n')).toBe('bob.smith+tag@example.com');
  });

  it('is idempotent', () => {
    const once = canonicalEmail(' Mixed.Case@Example.Org ');
    expect(canonicalEmail(once)).toBe(once);
  });

  it('leaves inner characters alone', () => {
    expect(canonicalEmail('first.last+x@sub.example.test')).toBe('first.last+x@sub.example.test');
  });
});

describe('isValidEmail', () => {
  it.each(['a@b.co', 'ann@acme.test', 'first.last+tag@sub.example.com', "o'brien@example.ie", 'x@xn--bcher-kva.example'])(
    'accepts %s',
    (email) => expect(isValidEmail(email)).toBe(true),
  );

  it.each([
    '',
    'ann',
    'ann@',
    '@acme.test',
    'ann@acme',
    'ann@.acme.test',
    'ann@acme..test',
    'ann@acme.test.',
    'ann@@acme.test',
    'ann@acme@test.com',
    'ann lee@acme.test',
    'ann@acme .test',
    ' ann@acme.test',
  ])('refuses %j', (email) => expect(isValidEmail(email)).toBe(false));

  it('accepts 254 characters and refuses 255', () => {
    const domain = '@example.test';
    const at254 = `${'a'.repeat(254 - domain.length)}${domain}`;
    expect(at254).toHaveLength(254);
    expect(isValidEmail(at254)).toBe(true);
    expect(isValidEmail(`a${at254}`)).toBe(false);
  });
});
