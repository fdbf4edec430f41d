// How guessable a password is, by zxcvbn-ts: its score (0 to 4) estimates the guesses an
// attacker with the common-password, word and name lists and keyboard patterns would need.
// Below 3 ("safely unguessable: moderate protection from offline attacks") is refused.

import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

export const MIN_PASSWORD_SCORE = 3;

// Building the ranked dictionaries takes a noticeable fraction of a second: once per process,
// and only when a password is first checked.
let scorer: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  scorer ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return scorer;
}

export interface Guessability {
  score: ZxcvbnResult['score'];
  tooEasy: boolean;
  /** zxcvbn's warning, or else its first suggestion, in English. */
  hint?: string;
}

/** `userInputs` are words an attacker would try for this person (their email, the organization's name). */
export function passwordGuessability(password: string, userInputs: string[]): Guessability {
  const result = zxcvbn().check(password, userInputs.filter((input) => input.length > 0));
  const hint = result.feedback.warning || result.feedback.suggestions[0] || undefined;
  return { score: result.score, tooEasy: result.score < MIN_PASSWORD_SCORE, hint };
}
