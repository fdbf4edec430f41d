// Deleting a user: the guide's "Enable the checkbox to confirm your action. Click Confirm."

import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../../../../api/http.ts';
import { users, type ScimUser } from '../../../../api/scim.ts';

export function DeleteUserDialog({ user, opened, onClose, onDeleted }: { user: ScimUser; opened: boolean; onClose: () => void; onDeleted: () => void }) {
  const [understood, setUnderstood] = useState(false);
  const remove = useMutation({ mutationFn: () => users.remove(user.id) });
  const close = () => {
    if (remove.isPending) return;
    setUnderstood(false);
    remove.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Delete this user?" centered>
      <Stack gap="md">
        <Text size="sm">
          {user.userName} will be deleted with their profile, group memberships, password and sessions. This cannot be undone.
        </Text>
        <Checkbox label="I understand that this cannot be undone" checked={understood} onChange={(event) => setUnderstood(event.currentTarget.checked)} />
        {remove.isError && (
          <Alert color="red" role="alert">
            {errorMessage(remove.error)}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={remove.isPending}>
            Cancel
          </Button>
          <Button color="red" disabled={!understood} loading={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: () => (setUnderstood(false), onDeleted()) })}>
            Confirm
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
