// Removing an administrator deletes their account for good: confirmed with a checkbox first.

import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { administratorsApi, type Administrator } from '../../../api/administrators.ts';
import { administratorKeys } from './admin-queries.ts';

export function RemoveAdministratorModal({ administrator, onClose }: { administrator: Administrator | undefined; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [confirmed, setConfirmed] = useState(false);
  const remove = useMutation({
    mutationFn: (id: string) => administratorsApi.remove(id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: administratorKeys.all });
      notifications.show({ color: 'green', message: `${administrator?.email} is no longer an administrator` });
      close();
    },
  });

  function close() {
    setConfirmed(false);
    remove.reset();
    onClose();
  }

  return (
    <Modal opened={administrator !== undefined} onClose={close} title={`Remove ${administrator?.email ?? ''}?`}>
      <Stack>
        <Text size="sm">
          Their account is deleted: they can no longer sign in to the Console, and their sessions end. This cannot be undone; to give them access again,
          invite them anew.
        </Text>
        <Checkbox label="I understand that this account will be deleted" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} />
        {remove.isError && (
          <Alert color="red" role="alert">
            {errorMessage(remove.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" disabled={!confirmed} loading={remove.isPending} onClick={() => administrator && remove.mutate(administrator.id)}>
            Remove administrator
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
