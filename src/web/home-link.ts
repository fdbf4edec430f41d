// Where a person goes after a hosted page finishes (password set, reset, email confirmed):
// administrators to the Console, customers to My Account, whose sign-in brings them in.

import type { User } from '../repos/user-repo.ts';

export function homeLinkFor(orgHandle: string, user: Pick<User, 'userType'>): { linkHref: string; linkText: string } {
  return user.userType === 'administrator'
    ? { linkHref: `/t/${orgHandle}/console/`, linkText: 'Sign in to the Console' }
    : { linkHref: `/t/${orgHandle}/myaccount/`, linkText: 'Sign in to My Account' };
}
