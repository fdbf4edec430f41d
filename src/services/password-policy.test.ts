import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { assertPasswordAcceptable, assertPasswordNotOverlong, isOverlongPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem, passwordProblems } from './password-policy.ts';

const context = { email: 'annabel@example.test', organizationName: 'Acme Corp' };
const GOOD = 'violet tractor umbrella';

describe('password policy', () => {
  it('accepts a long passphrase', () => {
    expect(passwordProblem(GOOD, context)).toBeUndefined();
    expect(passwordProblems(GOOD, context)).toEqual([]);
  });

  it('lists every rule a password breaks, the first being what passwordProblem says', () => {
    const both = 'annabel acmecorp';
    expect(passwordProblems(both, context)).toEqual(['Password must not contain your email address', 'Password must not contain the organization name']);
    expect(passwordProblem(both, context)).toBe('Password must not contain your email address');
    expect(passwordProblems('password123', context)).toEqual([expect.stringMatching(/^Password is too easy to guess/)]);
  });

  describe('length', () => {
    // Eight different emoji: as long as the minimum, and not guessable (zxcvbn scores 4).
    const EIGHT_EMOJI = '🔑🎲🌵🚲🧭🪁🎻🦉';
    // A strong passphrase repeated to exactly 256 characters.
    const LONGEST = 'violet tractor umbrella '.repeat(11).slice(0, 256);

    it('refuses fewer than 8 characters and accepts exactly 8', () => {
      expect(MIN_PASSWORD_LENGTH).toBe(8);
      expect(passwordProblem('k7#qZ9!', context)).toBe('Password must be at least 8 characters long');
      expect(passwordProblem('', context)).toBe('Password must be at least 8 characters long');
      expect(passwordProblem(EIGHT_EMOJI, context)).toBeUndefined();
    });

    it('refuses more than 256 characters and accepts exactly 256', () => {
      expect(MAX_PASSWORD_LENGTH).toBe(256);
      expect(passwordProblem(LONGEST, context)).toBeUndefined();
      expect(passwordProblem(`${LONGEST}x`, context)).toBe('Password must be at most 256 characters long');
      expect(isOverlongPassword(LONGEST)).toBe(false);
      expect(isOverlongPassword(`${LONGEST}x`)).toBe(true);
    });

    it('counts characters (code points), not UTF-16 units', () => {
      expect(passwordProblem(EIGHT_EMOJI.slice(0, -2), context)).toBe('Password must be at least 8 characters long');
      expect(passwordProblem(EIGHT_EMOJI, context)).toBeUndefined();
      expect(isOverlongPassword('🔑'.repeat(256))).toBe(false);
      expect(isOverlongPassword('🔑'.repeat(257))).toBe(true);
    });

    it('assertPasswordNotOverlong refuses only what is over 256 characters, with the length message', () => {
      expect(() => assertPasswordNotOverlong('short')).not.toThrow();
      expect(() => assertPasswordNotOverlong(LONGEST)).not.toThrow();
      expect(() => assertPasswordNotOverlong(`${LONGEST}x`)).toThrow(
        expect.objectContaining({ code: 'password.policy', status: 400, message: 'Password must be at most 256 characters long' }),
      );
    });
  });

  describe('guessable passwords (zxcvbn-ts score below 3)', () => {
    it.each(['passwordpassword', '123456789012345', 'Password1!', 'Summer2026!', 'aaaaaaaaaaaa', 'password', 'Password1', 'qwertyuiop', 'changeme', 'Trustno1'])(
      'refuses %j, saying why',
      (password) => {
        expect(passwordProblem(password, context)).toMatch(/^Password is too easy to guess: \S/);
      },
    );

    it("passes zxcvbn's own warning on", () => {
      expect(passwordProblem('aaaaaaaaaaaa', context)).toBe('Password is too easy to guess: Repeated characters like "aaa" are easy to guess.');
    });

    it('accepts passphrases', () => {
      expect(passwordProblem('correct horse battery staple', context)).toBeUndefined();
      expect(passwordProblem(GOOD, context)).toBeUndefined();
    });

    it("scores with the user's email and the organization's name as known words", () => {
      // Strong for anyone else; for this user and organization, their own name in disguise
      // (reversed, or with digits for letters), which the plain "contains" rules miss.
      expect(passwordProblem('tnIuqxalbroZ', context)).toBeUndefined();
      expect(passwordProblem('tnIuqxalbroZ', { ...context, email: 'zorblaxquint@example.test' })).toMatch(/^Password is too easy to guess/);
      expect(passwordProblem('Z0rbl4xqu1nt!', context)).toBeUndefined();
      expect(passwordProblem('Z0rbl4xqu1nt!', { ...context, organizationName: 'Zorblaxquint' })).toMatch(/^Password is too easy to guess/);
    });
  });

  describe('the user’s email', () => {
    it('refuses the email itself, in any case', () => {
      expect(passwordProblem('annabel@example.test', context)).toBe('Password must not contain your email address');
      expect(passwordProblem('ANNABEL@Example.TEST', context)).toBe('Password must not contain your email address');
    });

    it('refuses a password containing the local part when it has 4 or more characters', () => {
      expect(passwordProblem('my name is Annabel!', context)).toBe('Password must not contain your email address');
    });

    it('ignores a local part shorter than 4 characters', () => {
      expect(passwordProblem('annual report 2024', { ...context, email: 'ann@example.test' })).toBeUndefined();
    });
  });

  describe('the organization name', () => {
    it('refuses a password containing the name, ignoring case and spaces', () => {
      expect(passwordProblem('i love acme corp!', context)).toBe('Password must not contain the organization name');
      expect(passwordProblem('ACMECORP forever', context)).toBe('Password must not contain the organization name');
    });

    it('ignores a name shorter than 4 characters', () => {
      expect(passwordProblem('ibm mainframe rules', { ...context, organizationName: 'IBM' })).toBeUndefined();
    });
  });

  it('reports the first rule broken: length before guessability', () => {
    expect(passwordProblem('acme', { ...context, organizationName: 'Acme' })).toBe('Password must be at least 8 characters long');
  });

  describe('assertPasswordAcceptable', () => {
    it('returns quietly for an acceptable password', () => {
      expect(() => assertPasswordAcceptable(GOOD, context)).not.toThrow();
    });

    it('throws password.policy (400) naming the rule and the field', () => {
      let error: unknown;
      try {
        assertPasswordAcceptable('short', context);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: 'password.policy',
        status: 400,
        message: 'Password must be at least 8 characters long',
        details: { field: 'password' },
      });
    });
  });
});

describe('the organization minimum', () => {
  it('applies a minimum from 8 to 64 and names it in the message', async () => {
    const { passwordProblem } = await import('./password-policy.ts');
    const context = { email: 'ann@acme.test', organizationName: 'Acme', minLength: 20 };
    expect(passwordProblem('nineteen characters', context)).toBe('Password must be at least 20 characters long');
    expect(passwordProblem('twenty characters ok', context)).toBeUndefined();
    // At least 64 allowed, never truncated.
    expect(passwordProblem('violet tractor umbrella, plum kettle orbit, amber lantern wolf!', { ...context, minLength: 64 })).toBe('Password must be at least 64 characters long');
    expect(passwordProblem('violet tractor umbrella, plum kettle orbit, amber lantern wolfpack!', { ...context, minLength: 64 })).toBeUndefined();
  });
});
