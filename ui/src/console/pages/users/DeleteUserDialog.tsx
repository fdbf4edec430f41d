// Deleting a customer, as the guide says: click Delete, enable the checkbox to confirm, click
// Confirm. Used by the Users list and by the Edit user page's danger zone. The caller decides
// what happens after (refresh a list, leave the deleted user's page) in onDeleted.

import { useId, useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/http.ts';
import { users, type ScimUser } from '../../../api/scim.ts';
import { personName } from './user-state.ts';

export interface DeleteUserDialogProps {
  user: Pick<ScimUser, 'id' | 'userName'> & Partial<Pick<ScimUser, 'name' | 'displayName'>>;
  opened: boolean;
  onClose: () => void;
  onDeleted: () => void;
}

export function DeleteUserDialog({ user, opened, onClose, onDeleted }: DeleteUserDialogProps) {
  const [confirmed, setConfirmed] = useState(false);
  const descriptionId = useId();
  const remove = useMutation({
    mutationFn: async () => {
      try {
        await users.remove(user.id);
      } catch (error) {
        // Someone else deleted the user meanwhile: what the person asked for has happened.
        if (error instanceof ApiError && error.status === 404) return;
        throw error;
      }
    },
    onSuccess: () => {
      setConfirmed(false);
      onDeleted();
    },
  });

  const close = () => {
    if (remove.isPending) return;
    setConfirmed(false);
    remove.reset();
    onClose();
  };

  const name = user.name || user.displayName ? personName({ name: user.name, displayName: user.displayName }) : '';
  const who = name ? `${name} (${user.userName})` : user.userName;

  return (
    <Modal opened={opened} onClose={close} title="Delete user" centered aria-describedby={descriptionId}>
      <Stack gap="md">
        <Text size="sm" id={descriptionId}>
          <strong>{who}</strong> will be deleted with their profile, group memberships, password and sessions, and loses access to
          every application at once. This action cannot be undone.
        </Text>
        <Checkbox
          label="I understand that deleting this user cannot be undone"
          checked={confirmed}
          onChange={(event) => setConfirmed(event.currentTarget.checked)}
          disabled={remove.isPending}
        />
        {remove.isError && (
          <Alert color="red" role="alert" title="The user was not deleted">
            {errorMessage(remove.error)}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={remove.isPending}>
            Cancel
          </Button>
          <Button color="red" disabled={!confirmed} loading={remove.isPending} onClick={() => remove.mutate()}>
            Confirm
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
