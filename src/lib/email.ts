// A userName is the person's email, canonicalised once at the edge so that uniqueness is a
// plain database constraint: "  Ann@Acme.TEST " and "ann@acme.test" are the same user, and so
// is the fullwidth "ａｎｎ@acme.test" (NFKC folds compatibility forms into the plain letters).
// What NFKC cannot fold is refused: characters nobody sees (zero-width, bidirectional
// controls) and a part before @ that mixes scripts, so no two accounts read alike.

import { mixedScripts } from './letter-scripts.ts';

const MAX_EMAIL_LENGTH = 254;
// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is proven by the
// verification mail, not by a regular expression.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
// Format (Cf: zero-width characters, soft hyphen, bidirectional controls, BOM) and control
// (Cc) characters: invisible or reordering, never part of a real address.
const INVISIBLE_OR_CONTROL = /[\p{Cf}\p{Cc}]/u;

export function canonicalEmail(input: string): string {
  // Lower-casing can undo NFKC in rare cases (e.g. U+0130), so normalise once more after it.
  return input.normalize('NFKC').trim().toLowerCase().normalize('NFKC');
}

export type EmailProblem =
  | { kind: 'shape' }
  | { kind: 'invisible' | 'mixed_scripts'; message: string };

/** Why a canonical email is not acceptable as a userName, or undefined when it is. */
export function emailProblem(canonical: string): EmailProblem | undefined {
  if (INVISIBLE_OR_CONTROL.test(canonical)) {
    return { kind: 'invisible', message: 'The email address contains an invisible or text-direction character' };
  }
  if (canonical.length > MAX_EMAIL_LENGTH || !EMAIL_SHAPE.test(canonical)) return { kind: 'shape' };
  const scripts = mixedScripts(canonical.slice(0, canonical.lastIndexOf('@')));
  if (scripts) {
    return { kind: 'mixed_scripts', message: `The part before @ mixes letters of different scripts (${listed(scripts)})` };
  }
  return undefined;
}

export function isValidEmail(canonical: string): boolean {
  return emailProblem(canonical) === undefined;
}

/**
 * The message for refusing `canonical`, or undefined when it is acceptable: each caller words
 * a malformed address its own way (`shapeMessage`); the look-alike reasons are always named.
 */
export function invalidEmailMessage(canonical: string, shapeMessage: string): string | undefined {
  const problem = emailProblem(canonical);
  if (!problem) return undefined;
  return problem.kind === 'shape' ? shapeMessage : problem.message;
}

function listed(items: string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
