// How a sign-in was made, as the ID token says it: `amr` lists the methods (RFC 8176 values) and
// `acr` names the level they add up to. Only passwords exist today; a later factor adds its RFC
// 8176 value to the methods (`otp`, `hwk`, plus `mfa` once there are two) and a level of its own.

/** The Authentication Context Class References this provider issues (advertised in discovery). */
export const ACR = {
  /** Something the user knows: a password and nothing else. */
  password: 'urn:tessera:acr:password',
} as const;

export const ACR_VALUES = Object.values(ACR);

export type AuthenticationMethod = 'pwd' | 'otp' | 'hwk' | 'mfa';

/** The `amr` and `acr` of a sign-in that used these methods. */
export function authenticationContext(methods: AuthenticationMethod[]): { amr: AuthenticationMethod[]; acr: string } {
  const amr = [...new Set(methods)];
  return { amr, acr: ACR.password };
}
