// The client secret, shown this once after registering an application or rotating its secret:
// Tessera keeps only a hash of it. The dialog closes only through its button, which says
// the secret has been stored, so that a stray click outside cannot lose it.

import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { CopyValue } from './CopyValue.tsx';

export function SecretModal({ secret, applicationName, onClose }: { secret: string | undefined; applicationName: string; onClose: () => void }) {
  return (
    <Modal
      opened={secret !== undefined}
      onClose={onClose}
      title={`Client secret of ${applicationName}`}
      closeOnClickOutside={false}
      closeOnEscape={false}
      withCloseButton={false}
      size="lg"
    >
      <Stack>
        <Alert color="orange" title="You will not see this secret again">
          Copy it now and store it somewhere safe, such as your application's secret store. Tessera keeps only a fingerprint of it and cannot show it
          again; if it is lost, rotate the secret to get a new one.
        </Alert>
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Client secret
          </Text>
          <CopyValue value={secret ?? ''} what="client secret" />
        </Stack>
        <Group justify="flex-end">
          <Button onClick={onClose}>I have stored the secret</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
