// Deleting a registered application: its client id stops working and every code, token and
// grant issued to it is revoked (application-service.ts). Built-in applications cannot be
// deleted, so the card is not shown for them.

import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { applications, type Application } from '../../../api/applications.ts';
import { applicationKeys } from './application-queries.ts';
import { IrreversibleActionModal } from '../../../components/IrreversibleActionModal.tsx';

export function DeleteApplicationCard({ app }: { app: Application }) {
  const [opened, setOpened] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const remove = useMutation({
    mutationFn: () => applications.remove(app.id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: applicationKeys.one(app.id) });
      // Refetched before leaving (the list is not on screen now), so it never shows the deleted one.
      await queryClient.invalidateQueries({ queryKey: applicationKeys.list, refetchType: 'all' });
      notifications.show({ color: 'green', message: `Application “${app.name}” deleted` });
      void navigate('/applications');
    },
  });

  function close() {
    setOpened(false);
    remove.reset();
  }

  const consequence =
    app.type === 'm2m'
      ? 'Its client ID and secret stop working at once and every access token issued to it is revoked.'
      : 'Its client ID stops working at once: nobody can sign in to it any more, and every token and sign-in it was given is revoked, so people signed in to it are signed out of it.';
  return (
    <Card withBorder padding="lg" style={{ borderColor: 'var(--mantine-color-red-4)' }}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Delete application
        </Title>
        <Text size="sm">{consequence}</Text>
        <Group>
          <Button color="red" variant="light" onClick={() => setOpened(true)}>
            Delete application
          </Button>
        </Group>
      </Stack>
      <IrreversibleActionModal
        opened={opened}
        onClose={close}
        title={`Delete the application “${app.name}”?`}
        checkboxLabel="I understand that deleting this application cannot be undone"
        confirmLabel="Delete application"
        onConfirm={() => remove.mutate()}
        pending={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : undefined}
      >
        <Text size="sm">{consequence}</Text>
        <Text size="sm">This cannot be undone: registering it again gives it a new client ID.</Text>
      </IrreversibleActionModal>
    </Card>
  );
}
