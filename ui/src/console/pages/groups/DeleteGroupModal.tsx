// Deleting a group. The server allows it even when applications are restricted to the group:
// the group leaves their allowed groups (a cascading delete) and they stay restricted, so its
// members lose access through it, and an application that allowed only this group lets nobody
// sign in until an administrator chooses its groups again. The dialog says so, by name, before
// anyone confirms.

import { useNavigate } from 'react-router';
import { Alert, List, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/http.ts';
import { groups, type ScimGroup } from '../../../api/scim.ts';
import { applicationKeys, useApplicationList } from '../applications/application-queries.ts';
import { groupKeys } from './group-queries.ts';
import { IrreversibleActionModal } from '../../../components/IrreversibleActionModal.tsx';

export function DeleteGroupModal({ group, opened, onClose }: { group: ScimGroup; opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const apps = useApplicationList(opened);
  const restricted = (apps.data ?? []).filter((app) => app.accessRestricted && app.allowedGroupIds.includes(group.id));

  const remove = useMutation({
    mutationFn: () => groups.remove(group.id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: groupKeys.one(group.id) });
      queryClient.removeQueries({ queryKey: groupKeys.membersOf(group.id) });
      // The lists are refetched before leaving (they are not on screen now), so that they never
      // show the deleted group.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: groupKeys.lists, refetchType: 'all' }),
        queryClient.invalidateQueries({ queryKey: applicationKeys.all }),
      ]);
      notifications.show({ color: 'green', message: `Group “${group.displayName}” deleted` });
      void navigate('/groups');
    },
  });

  function close() {
    remove.reset();
    onClose();
  }

  const gone = remove.error instanceof ApiError && remove.error.status === 404;
  return (
    <IrreversibleActionModal
      opened={opened}
      onClose={close}
      title={`Delete the group “${group.displayName}”?`}
      checkboxLabel="I understand that deleting this group cannot be undone"
      confirmLabel="Delete group"
      onConfirm={() => remove.mutate()}
      pending={remove.isPending}
      error={remove.isError ? (gone ? 'This group no longer exists: someone else has deleted it.' : errorMessage(remove.error)) : undefined}
      confirmDisabled={apps.isLoading}
    >
      <Text size="sm">
        The group is removed for good. Its members stay in the organization and keep their accounts; they only stop being members of this group.
        This cannot be undone.
      </Text>
      {restricted.length > 0 && (
        <Alert color="orange" title="Applications are restricted to this group">
          <Text size="sm" mb="xs">
            Only members of chosen groups may sign in to these applications, and this group is one of them. Once it is deleted, its members can no
            longer sign in to them unless they belong to another allowed group:
          </Text>
          <List size="sm">
            {restricted.map((app) => (
              <List.Item key={app.id}>
                {app.name}
                {app.allowedGroupIds.length === 1 && ' (no other group is allowed: nobody will be able to sign in to it until you choose its groups again)'}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {apps.isLoading && (
        <Text size="sm" c="dimmed" role="status">
          Checking which applications are restricted to this group…
        </Text>
      )}
      {apps.isError && (
        <Text size="sm" c="dimmed">
          The applications restricted to this group could not be checked: {errorMessage(apps.error)}
        </Text>
      )}
    </IrreversibleActionModal>
  );
}
