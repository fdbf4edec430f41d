// Shown above the Edit user tabs while failed sign-ins lock the user out: from which addresses
// (or from all) and until when, with a way to clear it. An account locked this way still reads
// ACTIVE: it is the password checks that are refused, and they start again by themselves.

import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../../../../api/http.ts';
import type { ScimUser } from '../../../../api/scim.ts';
import { formatDate, fullName } from './format.ts';
import { useClearLockout, useSignInLockout, type SignInLockout } from './support-queries.ts';

function scopeOf(lockout: SignInLockout): string {
  if (lockout.account) return 'from every address';
  const count = lockout.addresses.length;
  const listed = lockout.addresses.slice(0, 3).map((a) => a.address).join(', ');
  return count === 1 ? `from ${listed}` : `from ${count} addresses (${listed}${count > 3 ? ', …' : ''})`;
}

export function SignInLockoutAlert({ user }: { user: ScimUser }) {
  const lockout = useSignInLockout(user.id);
  const clear = useClearLockout(user.id);
  if (!lockout.data?.locked) return null;
  const name = fullName(user);

  return (
    <section aria-label="Sign-in lockout">
      <Alert color="orange" title="Locked out by failed sign-ins" mb="lg">
        <Stack gap="sm">
          <Text size="sm">
            Too many wrong passwords: {name}’s sign-ins are refused {scopeOf(lockout.data)} until {formatDate(lockout.data.lockedUntil)}, when the lockout ends by
            itself. Clear it if you know the attempts were {name}’s own.
          </Text>
          {clear.isError && (
            <Text size="sm" c="red" role="alert">
              The lockout was not cleared: {errorMessage(clear.error)}
            </Text>
          )}
          <Group>
            <Button
              size="sm"
              loading={clear.isPending}
              onClick={() =>
                clear.mutate(undefined, { onSuccess: () => notifications.show({ color: 'green', message: `${name} can sign in again` }) })
              }
            >
              Clear lockout
            </Button>
          </Group>
        </Stack>
      </Alert>
    </section>
  );
}
