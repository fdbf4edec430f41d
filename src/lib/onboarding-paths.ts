// Where the hosted onboarding pages live under /t/{org}. Mails link to them; routes serve them.

export const onboardingPaths = {
  setPassword: (handle: string) => `/t/${handle}/password/set`,
  verifyEmail: (handle: string) => `/t/${handle}/email/verify`,
  forgotPassword: (handle: string) => `/t/${handle}/password/forgot`,
  resetPassword: (handle: string) => `/t/${handle}/password/reset`,
  register: (handle: string) => `/t/${handle}/register`,
  /** The form on an expired or used link's page that asks for a new link. */
  renewLink: (handle: string) => `/t/${handle}/links/renew`,
  changeTemporaryPassword: (handle: string, uid: string) => `/t/${handle}/login/${uid}/password`,
};

export function linkUrl(publicUrl: string, path: string, token: string): string {
  return `${publicUrl}${path}?token=${encodeURIComponent(token)}`;
}
