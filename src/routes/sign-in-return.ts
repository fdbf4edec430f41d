// The way back to sign-in from the pages the sign-in page links to (forgot password, sign-up):
// the sign-in page's own path travels along as `?return=`, and the "Check your email" page
// links to it. Only this organization's sign-in path is accepted, so the parameter cannot send
// anyone elsewhere; without one (or a mail's link opened later) the way back is My Account,
// whose sign-in starts afresh.

const RETURN_PARAMETER = 'return';

/** The sign-in path a request carries back, if it is this organization's sign-in page. */
export function signInReturnOf(handle: string, query: unknown): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[RETURN_PARAMETER];
  if (typeof value !== 'string') return undefined;
  return new RegExp(`^/t/${handle}/login/[A-Za-z0-9_-]{1,128}$`).test(value) ? value : undefined;
}

/** `path` carrying the way back to sign-in, when there is one. */
export function withSignInReturn(path: string, returnTo: string | undefined): string {
  return returnTo ? `${path}?${RETURN_PARAMETER}=${encodeURIComponent(returnTo)}` : path;
}

/** The link of a "Check your email" page. */
export function backToSignIn(handle: string, returnTo: string | undefined): { linkHref: string; linkText: string } {
  return { linkHref: returnTo ?? `/t/${handle}/myaccount/`, linkText: 'Back to sign-in' };
}
