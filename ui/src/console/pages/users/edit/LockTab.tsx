// Locking an account (the wso2 extension's accountLocked): the server ends the user's sessions
// and tokens at once, and sign-in is refused until an administrator unlocks the account.

import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../../../../api/http.ts';
import type { ScimUser } from '../../../../api/scim.ts';
import { accountState, fullName, StateBadge } from './format.ts';
import { useSetLocked } from './queries.ts';

export function LockTab({ user }: { user: ScimUser }) {
  const [confirming, { open, close }] = useDisclosure(false);
  const setLocked = useSetLocked(user.id);
  const state = accountState(user);
  const name = fullName(user);

  const change = (locked: boolean) =>
    setLocked.mutate(locked, {
      onSuccess: () => {
        close();
        notifications.show({ color: 'green', message: locked ? `${name}’s account is locked` : `${name}’s account is unlocked` });
      },
    });

  return (
    <Stack gap="md" maw={720}>
      <Text fw={600} size="lg" component="h2" m={0}>
        Lock account
      </Text>
      <Group gap="xs">
        <Text size="sm">Account state:</Text>
        <StateBadge user={user} />
      </Group>

      {state === 'ACTIVE' && (
        <>
          <Text size="sm">
            Locking signs {name} out of every application at once and stops them from signing in until you unlock the account. Nothing else about
            the account changes.
          </Text>
          <Group>
            <Button color="red" variant="light" onClick={open}>
              Lock account
            </Button>
          </Group>
        </>
      )}
      {state === 'LOCKED' && (
        <>
          <Text size="sm">{name} cannot sign in while the account is locked. Unlocking lets them sign in again with their password.</Text>
          <Group>
            <Button onClick={() => change(false)} loading={setLocked.isPending}>
              Unlock account
            </Button>
          </Group>
        </>
      )}
      {state === 'PENDING' && (
        <Text size="sm">
          {name} has not accepted the invitation yet, so cannot sign in: there is nothing to lock. To stop them from joining, delete the user in
          the Danger zone.
        </Text>
      )}
      {state === 'DISABLED' && <Text size="sm">This account is disabled and cannot sign in; locking does not apply to it.</Text>}

      {setLocked.isError && !confirming && (
        <Alert color="red" role="alert" title="The account was not changed">
          {errorMessage(setLocked.error)}
        </Alert>
      )}

      <Modal opened={confirming} onClose={close} title={`Lock ${name}’s account?`} centered>
        <Stack gap="md">
          <Text size="sm">
            {user.userName} will be signed out of every application at once and cannot sign in until an administrator unlocks the account.
          </Text>
          {setLocked.isError && (
            <Alert color="red" role="alert">
              {errorMessage(setLocked.error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={setLocked.isPending}>
              Cancel
            </Button>
            <Button color="red" onClick={() => change(true)} loading={setLocked.isPending}>
              Lock account
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
