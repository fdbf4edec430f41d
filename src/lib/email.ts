// A userName is the person's email, canonicalised once at the edge so that uniqueness is a
// plain database constraint: "  Ann@Acme.TEST " and "ann@acme.test" are the same user.

const MAX_EMAIL_LENGTH = 254;
// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is proven by the
// verification mail, not by a regular expression.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function canonicalEmail(input: string): string {
  return input.trim().toLowerCase();
}

export function isValidEmail(canonical: string): boolean {
  return canonical.length <= MAX_EMAIL_LENGTH && EMAIL_SHAPE.test(canonical);
}
