// Removing an administrator deletes their account for good: confirmed with a checkbox first.

import { Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { administratorsApi, type Administrator } from '../../../api/administrators.ts';
import { administratorKeys } from './admin-queries.ts';
import { IrreversibleActionModal } from '../../../components/IrreversibleActionModal.tsx';

export function RemoveAdministratorModal({ administrator, onClose }: { administrator: Administrator | undefined; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => administratorsApi.remove(id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: administratorKeys.all });
      notifications.show({ color: 'green', message: `${administrator?.email} is no longer an administrator` });
      close();
    },
  });

  function close() {
    remove.reset();
    onClose();
  }

  return (
    <IrreversibleActionModal
      opened={administrator !== undefined}
      onClose={close}
      title={`Remove ${administrator?.email ?? ''}?`}
      checkboxLabel="I understand that this account will be deleted"
      confirmLabel="Remove administrator"
      onConfirm={() => administrator && remove.mutate(administrator.id)}
      pending={remove.isPending}
      error={remove.isError ? errorMessage(remove.error) : undefined}
    >
      <Text size="sm">
        Their account is deleted: they can no longer sign in to the Console, and their sessions end. This cannot be undone; to give them access again,
        invite them anew.
      </Text>
    </IrreversibleActionModal>
  );
}
