import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { assertPasswordAcceptable, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem } from './password-policy.ts';

const context = { email: 'annabel@example.test', organizationName: 'Acme Corp' };
const GOOD = 'violet tractor umbrella';

describe('password policy', () => {
  it('accepts a long passphrase', () => {
    expect(passwordProblem(GOOD, context)).toBeUndefined();
  });

  describe('length', () => {
    it('refuses fewer than 8 characters and accepts exactly 8', () => {
      expect(MIN_PASSWORD_LENGTH).toBe(8);
      expect(passwordProblem('k7#qZ9!', context)).toBe('Password must be at least 8 characters long');
      expect(passwordProblem('k7#qZ9!x', context)).toBeUndefined();
      expect(passwordProblem('', context)).toBe('Password must be at least 8 characters long');
    });

    it('refuses more than 256 characters and accepts exactly 256', () => {
      expect(MAX_PASSWORD_LENGTH).toBe(256);
      expect(passwordProblem('k'.repeat(256), context)).toBeUndefined();
      expect(passwordProblem('k'.repeat(257), context)).toBe('Password must be at most 256 characters long');
    });

    it('counts characters (code points), not UTF-16 units', () => {
      expect(passwordProblem('🔑'.repeat(7), context)).toBe('Password must be at least 8 characters long');
      expect(passwordProblem('🔑'.repeat(8), context)).toBeUndefined();
      expect(passwordProblem('🔑'.repeat(256), context)).toBeUndefined();
    });
  });

  describe('common passwords', () => {
    it.each(['password', 'PASSWORD', 'Password1', '12345678', 'qwertyuiop', 'changeme', 'Trustno1'])('refuses %j', (password) => {
      expect(passwordProblem(password, context)).toBe('Password is too common; choose one that is harder to guess');
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

  it('reports the first rule broken: length before commonness', () => {
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
    expect(passwordProblem('x'.repeat(63) + 'yz', { ...context, minLength: 64 })).toBeUndefined();
  });
});
