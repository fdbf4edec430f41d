import { describe, expect, it } from 'vitest';
import { letterScripts, mixedScripts } from './letter-scripts.ts';

describe('letterScripts', () => {
  it('names the scripts of letters only, Latin first', () => {
    expect(letterScripts('admin')).toEqual(['Latin']);
    expect(letterScripts('\u0430dmin')).toEqual(['Latin', 'Cyrillic']);
    expect(letterScripts('ωmega-1')).toEqual(['Latin', 'Greek']);
    expect(letterScripts('123.+_-')).toEqual([]);
  });

  it('counts combining marks and digits as no script', () => {
    expect(letterScripts('rene\u0301')).toEqual(['Latin']);
    expect(letterScripts('ива\u0301н7')).toEqual(['Cyrillic']);
  });

  it('puts letters of unlisted scripts together, last', () => {
    expect(letterScripts('a\u16a0')).toEqual(['Latin', 'another script']); // a Runic letter
  });
});

describe('mixedScripts', () => {
  it('is undefined for one script and for the combinations written together', () => {
    expect(mixedScripts('ann.lee')).toBeUndefined();
    expect(mixedScripts('山田たろう')).toBeUndefined();
    expect(mixedScripts('john山田')).toBeUndefined();
    expect(mixedScripts('李ㄅ')).toBeUndefined();
    expect(mixedScripts('김金')).toBeUndefined();
  });

  it('lists the scripts of a mixture', () => {
    expect(mixedScripts('p\u0430ypal')).toEqual(['Latin', 'Cyrillic']);
    expect(mixedScripts('김やまだ')).toEqual(['Hangul', 'Hiragana']);
  });
});
