// The administrators list, and whether the signed-in person is the owner: the Console knows
// who is signed in from the ID token's subject, and the list says which administrator is owner.

import { useQuery } from '@tanstack/react-query';
import { administratorsApi } from '../../../api/administrators.ts';
import { signedInUser } from '../../../auth/oidc.ts';

export const administratorKeys = { all: ['administrators'] as const };

export function useAdministrators() {
  const query = useQuery({ queryKey: administratorKeys.all, queryFn: administratorsApi.list });
  const me = signedInUser()?.sub;
  const isOwner = query.data?.some((admin) => admin.id === me && admin.role === 'owner') ?? false;
  return { ...query, isOwner, me };
}
