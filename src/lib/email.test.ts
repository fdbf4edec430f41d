import { describe, expect, it } from 'vitest';
import { canonicalEmail, emailProblem, invalidEmailMessage, isValidEmail } from './email.ts';

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

describe('look-alike addresses', () => {
  it('folds compatibility forms (NFKC) before trimming and lower-casing: fullwidth letters are the plain ones', () => {
    expect(canonicalEmail('ａｄｍｉｎ@acme.test')).toBe('admin@acme.test');
    expect(canonicalEmail(' ＡＤＭＩＮ＠ＡＣＭＥ．ＴＥＳＴ ')).toBe('admin@acme.test');
    // Ligatures and circled or mathematical letters too.
    expect(canonicalEmail('ﬁnance@acme.test')).toBe('finance@acme.test');
    expect(canonicalEmail('𝐚𝐝𝐦𝐢𝐧@acme.test')).toBe('admin@acme.test');
    // A decomposed "é" and the precomposed one are one address.
    expect(canonicalEmail('rene\u0301@acme.test')).toBe(canonicalEmail('ren\u00e9@acme.test'));
    expect(isValidEmail(canonicalEmail('ａｄｍｉｎ@acme.test'))).toBe(true);
  });

  it('stays idempotent with NFKC', () => {
    for (const input of ['ａｄｍｉｎ@acme.test', 'İstanbul@acme.test', 'ΩHM@acme.test', 'Straße@acme.test']) {
      const once = canonicalEmail(input);
      expect(canonicalEmail(once)).toBe(once);
    }
  });

  const INVISIBLE = {
    'zero-width space': '\u200b',
    'zero-width non-joiner': '\u200c',
    'zero-width joiner': '\u200d',
    'word joiner': '\u2060',
    'zero-width no-break space (BOM)': '\ufeff',
    'soft hyphen': '\u00ad',
    'left-to-right mark': '\u200e',
    'right-to-left mark': '\u200f',
    'left-to-right embedding': '\u202a',
    'right-to-left override': '\u202e',
    'left-to-right isolate': '\u2066',
    'pop directional isolate': '\u2069',
    'Arabic letter mark': '\u061c',
    'null': '\u0000',
    'escape': '\u001b',
    'delete': '\u007f',
    'next line (C1)': '\u0085',
  };

  it.each(Object.entries(INVISIBLE))('refuses a %s inside the address, saying why', (_name, char) => {
    for (const address of [`ad${char}min@acme.test`, `admin@ac${char}me.test`]) {
      const canonical = canonicalEmail(address);
      expect(isValidEmail(canonical)).toBe(false);
      expect(emailProblem(canonical)).toEqual({ kind: 'invisible', message: 'The email address contains an invisible or text-direction character' });
    }
  });

  it('refuses a part before @ that mixes Latin with Cyrillic or Greek, naming the scripts', () => {
    // U+0430 CYRILLIC SMALL LETTER A, U+03BF GREEK SMALL LETTER OMICRON.
    expect(emailProblem(canonicalEmail('\u0430dmin@acme.test'))).toEqual({
      kind: 'mixed_scripts',
      message: 'The part before @ mixes letters of different scripts (Latin and Cyrillic)',
    });
    expect(emailProblem(canonicalEmail('r\u03bfot@acme.test'))).toEqual({
      kind: 'mixed_scripts',
      message: 'The part before @ mixes letters of different scripts (Latin and Greek)',
    });
    expect(emailProblem('a\u0430\u03b1@acme.test')).toMatchObject({ message: 'The part before @ mixes letters of different scripts (Latin, Greek and Cyrillic)' });
    expect(isValidEmail(canonicalEmail('\u0430dmin@acme.test'))).toBe(false);
  });

  it('accepts a part before @ in one script, with digits and punctuation in any', () => {
    for (const address of ['иван.петров+1@acme.test', 'αλέξης_2@acme.test', 'josé-maría@acme.test', 'ümit.öz@acme.test', '用户123@acme.test', 'ann.lee-99@acme.test']) {
      expect(emailProblem(canonicalEmail(address)), address).toBeUndefined();
    }
  });

  it('accepts the scripts written together (Japanese kana with Han, and Latin beside them)', () => {
    expect(isValidEmail('やまだ太郎@acme.test')).toBe(true);
    expect(isValidEmail('taro山田カナ@acme.test')).toBe(true);
    expect(isValidEmail('김철수金@acme.test')).toBe(true);
    // But not Hangul with kana, nor Cyrillic with Han.
    expect(isValidEmail('김やまだ@acme.test')).toBe(false);
    expect(isValidEmail('иван山田@acme.test')).toBe(false);
  });

  it('checks scripts in the part before @ only', () => {
    expect(isValidEmail('admin@\u0430cme.test')).toBe(true);
  });

  it('invalidEmailMessage: undefined when valid, the caller’s wording for a malformed address, the reason otherwise', () => {
    expect(invalidEmailMessage('ann@acme.test', 'Enter a valid email address')).toBeUndefined();
    expect(invalidEmailMessage('ann@acme', 'Enter a valid email address')).toBe('Enter a valid email address');
    expect(invalidEmailMessage('a\u200bnn@acme.test', 'Enter a valid email address')).toBe('The email address contains an invisible or text-direction character');
    expect(invalidEmailMessage('\u0430nn@acme.test', 'Enter a valid email address')).toBe('The part before @ mixes letters of different scripts (Latin and Cyrillic)');
  });
});
