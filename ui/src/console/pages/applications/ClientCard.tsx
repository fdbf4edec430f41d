// How the application identifies itself to Tessera: its client id (to copy), its kind, and for
// confidential clients the secret, which can only be replaced (rotated), never read again.

import { useState } from 'react';
import { Alert, Button, Card, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { applications, type Application, type ApplicationWithSecret } from '../../../api/applications.ts';
import { applicationKeys } from './application-queries.ts';
import { TYPE_EXPLANATIONS, TYPE_LABELS } from './application-kinds.ts';
import { CopyValue } from './CopyValue.tsx';
import { SecretModal } from './SecretModal.tsx';

export function ClientCard({ app }: { app: Application }) {
  const [confirming, setConfirming] = useState(false);
  const [rotated, setRotated] = useState<ApplicationWithSecret>();
  const queryClient = useQueryClient();

  const rotate = useMutation({
    mutationFn: () => applications.rotateSecret(app.id),
    onSuccess: async (result) => {
      closeConfirmation();
      setRotated(result);
      await queryClient.invalidateQueries({ queryKey: applicationKeys.all });
      notifications.show({ color: 'green', message: `The secret of ${app.name} was rotated` });
    },
  });

  function closeConfirmation() {
    setConfirming(false);
    rotate.reset();
  }

  return (
    <Card withBorder padding="lg">
      <Stack gap="md">
        <Title order={2} size="h4">
          Client
        </Title>
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Client ID
          </Text>
          <CopyValue value={app.clientId} what="client ID" />
        </Stack>
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Kind
          </Text>
          <Text size="sm">{app.builtIn ? `${TYPE_LABELS.spa}, built into Tessera` : TYPE_LABELS[app.type]}</Text>
          {!app.builtIn && (
            <Text size="xs" c="dimmed">
              {TYPE_EXPLANATIONS[app.type]}
            </Text>
          )}
        </Stack>
        {app.type !== 'spa' && !app.builtIn && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Client secret
            </Text>
            <Group gap="sm" wrap="wrap">
              <Text size="sm" c="dimmed">
                {app.hasSecret ? 'Set. It was shown once, when it was created, and cannot be shown again.' : 'Not set.'}
              </Text>
              <Button variant="default" size="xs" onClick={() => setConfirming(true)}>
                Rotate secret
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
      <Modal opened={confirming} onClose={closeConfirmation} title={`Rotate the secret of ${app.name}?`}>
        <Stack>
          <Text size="sm">
            A new secret replaces the current one. The current secret stops working at once, and every token issued to the application is revoked, so it
            cannot call Tessera until it is configured with the new secret.
          </Text>
          {rotate.isError && (
            <Alert color="red" role="alert">
              {errorMessage(rotate.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={closeConfirmation}>
              Cancel
            </Button>
            <Button color="red" loading={rotate.isPending} onClick={() => rotate.mutate()}>
              Rotate secret
            </Button>
          </Group>
        </Stack>
      </Modal>
      <SecretModal secret={rotated?.clientSecret} applicationName={app.name} onClose={() => setRotated(undefined)} />
    </Card>
  );
}
