// Which writing systems a piece of text draws its letters from, for spotting look-alike
// names: a Cyrillic "а" or a Greek "ο" among Latin letters reads as Latin but is another
// name. Digits, punctuation and combining marks (scripts Common and Inherited) belong to no
// script. Letters of a script not listed here count together as "another script".

const SCRIPT_NAMES = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana',
  'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam',
  'Sinhala', 'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Khmer', 'Mongolian', 'Ethiopic', 'Cherokee',
  'Hangul', 'Hiragana', 'Katakana', 'Bopomofo', 'Han',
] as const;

const SCRIPTS = SCRIPT_NAMES.map((name) => ({ name, pattern: new RegExp(`^\\p{Script=${name}}$`, 'u') }));
const LETTER = /^\p{L}$/u;
const OTHER_SCRIPT = 'another script';

// Scripts that are written together in one name (Unicode TR39's "highly restrictive" level):
// Japanese mixes Han and kana, Chinese Han and Bopomofo, Korean Han and Hangul, each with Latin.
const WRITTEN_TOGETHER: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

/** The scripts of the text's letters, Latin first, in a fixed order so messages read alike. */
export function letterScripts(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) {
    if (!LETTER.test(char)) continue;
    found.add(SCRIPTS.find((script) => script.pattern.test(char))?.name ?? OTHER_SCRIPT);
  }
  const names: readonly string[] = SCRIPT_NAMES;
  const rank = (name: string) => (name === OTHER_SCRIPT ? names.length : names.indexOf(name));
  return [...found].sort((a, b) => rank(a) - rank(b));
}

/** The scripts when the text mixes ones that are not written together, else undefined. */
export function mixedScripts(text: string): string[] | undefined {
  const scripts = letterScripts(text);
  if (scripts.length <= 1) return undefined;
  if (WRITTEN_TOGETHER.some((together) => scripts.every((script) => together.has(script)))) return undefined;
  return scripts;
}
