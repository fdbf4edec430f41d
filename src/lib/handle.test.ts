import { describe, expect, it } from 'vitest';
import { HANDLE_RULE, isValidHandle } from './handle.ts';

describe('organization handle rule', () => {
  it.each(['abc', 'acme', 'a-b', 'a1-b2-c3', '123', 'acme-corp-2024', 'a'.repeat(40)])('accepts %j', (handle) => {
    expect(isValidHandle(handle)).toBe(true);
  });

  it.each([
    '',
    'a',
    'ab',
    'a'.repeat(41),
    'Acme',
    'ACME',
    '-acme',
    'acme-',
    'ac--me',
    'ac_me',
    'ac.me',
    'ac me',
    'acme/x',
    'äcme',
    ' acme',
    'acme\n',
  ])('refuses %j', (handle) => {
    expect(isValidHandle(handle)).toBe(false);
  });

  it('states the rule in words that match it', () => {
    expect(HANDLE_RULE).toContain('3 to 40');
    expect(HANDLE_RULE).toMatch(/hyphen/);
  });
});
