// Deleting the user, as the guide says: Delete, enable the checkbox, Confirm. The dialog is the
// same one the Users list opens.

import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { ScimUser } from '../../../../api/scim.ts';
import { DeleteUserDialog } from '../DeleteUserDialog.tsx';
import { userKey } from './queries.ts';

export function DangerZoneTab({ user }: { user: ScimUser }) {
  const [opened, { open, close }] = useDisclosure(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  const deleted = () => {
    // The user is gone: forget it rather than ask for it again (which would answer 404).
    queryClient.removeQueries({ queryKey: userKey(user.id) });
    void queryClient.invalidateQueries({ queryKey: ['users'] });
    void queryClient.invalidateQueries({ queryKey: ['groups'] });
    void navigate('/users', { replace: true });
  };

  return (
    <Stack gap="md" maw={720}>
      <Text fw={600} size="lg" component="h2" m={0}>
        Danger zone
      </Text>
      <Paper withBorder p="md" style={{ borderColor: 'var(--mantine-color-red-4)' }}>
        <Group justify="space-between" align="center" gap="md">
          <Stack gap={4} style={{ flex: '1 1 260px' }}>
            <Text fw={600}>Delete this user</Text>
            <Text size="sm" c="dimmed">
              {user.userName} loses access to every application at once. Their profile, group memberships, password and sessions are deleted.
              This cannot be undone.
            </Text>
          </Stack>
          <Button color="red" onClick={open}>
            Delete
          </Button>
        </Group>
      </Paper>
      <DeleteUserDialog user={user} opened={opened} onClose={close} onDeleted={deleted} />
    </Stack>
  );
}
