// Where the organization's mails go and how many wait or failed. The server never reveals the
// SMTP credentials, only the server's address.

import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { LoadingState, ErrorState } from '../../../components/states.tsx';
import type { MailStatus } from '../../../api/settings.ts';
import { useMailStatus } from './settings-queries.ts';

const TRANSPORT: Record<MailStatus['transport'], { badge: string; color: string; words: (status: MailStatus) => string }> = {
  smtp: { badge: 'SMTP', color: 'green', words: (s) => `Mails are sent through the SMTP server ${s.smtpServer ?? ''}.`.replace(' .', '.') },
  development: {
    badge: 'Development mailbox',
    color: 'yellow',
    words: () => 'No SMTP server is configured: mails are kept in the development mailbox (/dev/mailbox) on this server instead of being sent.',
  },
  unconfigured: {
    badge: 'Not configured',
    color: 'red',
    words: () => 'No SMTP server is configured: mails wait in the outbox and cannot be sent until the server is given an SMTP_URL.',
  },
};

function Count({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Stack gap={0}>
      <Text size="xl" fw={700} c={color}>
        {value}
      </Text>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
    </Stack>
  );
}

export function MailStatusCard() {
  const status = useMailStatus();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="mail-status-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="mail-status-title">
          Mail delivery
        </Title>
        {status.data && (
          <Badge color={TRANSPORT[status.data.transport].color} variant="light">
            {TRANSPORT[status.data.transport].badge}
          </Badge>
        )}
      </Group>
      {status.isPending ? (
        <LoadingState label="Loading mail status…" />
      ) : status.isError ? (
        <ErrorState error={status.error} title="The mail status could not be loaded" />
      ) : (
        <Stack gap="md">
          <Text size="sm">{TRANSPORT[status.data.transport].words(status.data)}</Text>
          <SimpleGrid cols={3} maw={420}>
            <Count label="Waiting to be sent" value={status.data.pending} />
            <Count label="Sent" value={status.data.sent} />
            <Count label="Failed" value={status.data.failed} color={status.data.failed > 0 ? 'red' : undefined} />
          </SimpleGrid>
          {status.data.failed > 0 && (
            <Alert color="red" variant="light">
              Some mails could not be delivered even after every retry, and will not be sent.
            </Alert>
          )}
        </Stack>
      )}
    </Paper>
  );
}
