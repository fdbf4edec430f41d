// An invited (pending) user's invitation: how the last invitation mail fared (from the mail
// outbox) and a way to send a new one, by mail or as a link to pass on. A new invitation makes
// the earlier links stop working.

import { Alert, Badge, Button, CopyButton, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../../../../api/http.ts';
import type { ScimUser } from '../../../../api/scim.ts';
import { EmptyState, ErrorState, LoadingState } from '../../../../components/states.tsx';
import { accountState, formatDate } from './format.ts';
import { useInvitationMails, useResendInvitation, type MailStatus, type OutboxMail } from './queries.ts';

const STATUS: Record<MailStatus, { label: string; color: string }> = {
  pending: { label: 'Waiting to be sent', color: 'yellow' },
  sent: { label: 'Sent', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
};

function MailStatusBadge({ mail }: { mail: OutboxMail }) {
  const status = STATUS[mail.status];
  return (
    <Badge color={status.color} variant="light" style={{ flexShrink: 0, overflow: 'visible' }}>
      {status.label}
    </Badge>
  );
}

function whenOf(mail: OutboxMail): string {
  if (mail.status === 'sent') return `Sent ${formatDate(mail.sentAt)}`;
  if (mail.status === 'pending') return `Queued ${formatDate(mail.createdAt)}${mail.attempts > 0 ? `, next attempt ${formatDate(mail.nextAttemptAt)}` : ''}`;
  return `Queued ${formatDate(mail.createdAt)}, failed after ${mail.attempts} attempt${mail.attempts === 1 ? '' : 's'}`;
}

export function InvitationTab({ user }: { user: ScimUser }) {
  const pending = accountState(user) === 'PENDING';
  const mails = useInvitationMails(user.id, true);
  const resend = useResendInvitation(user.id);

  const send = (delivery: 'email' | 'link') =>
    resend.mutate(delivery, {
      onSuccess: () => {
        if (delivery === 'email') notifications.show({ color: 'green', message: `A new invitation is on its way to ${user.userName}` });
      },
    });

  const latest = mails.data?.[0];
  const link = resend.data?.delivery === 'link' ? resend.data : undefined;

  return (
    <Stack gap="lg" maw={720}>
      <Stack gap="xs">
        <Text fw={600} size="lg" component="h2" m={0}>
          Invitation
        </Text>
        <Text size="sm" c="dimmed">
          {pending
            ? `${user.userName} has not accepted the invitation yet: they set their password through the link in the invitation mail.`
            : 'This user has accepted the invitation and has a password; to help them in, they can use “Forgot password” on the sign-in page.'}
        </Text>
      </Stack>

      {mails.isPending ? (
        <LoadingState label="Loading the invitation mails…" />
      ) : mails.isError ? (
        <ErrorState error={mails.error} title="The invitation mails could not be loaded" />
      ) : !latest ? (
        <EmptyState title="No invitation mail">No invitation was mailed to this user (it may have been given as a link to pass on).</EmptyState>
      ) : (
        <Stack gap="xs" aria-live="polite">
          <Group gap="sm">
            <Text fw={600}>Last invitation mail</Text>
            <MailStatusBadge mail={latest} />
          </Group>
          <Text size="sm">
            To {latest.recipient} · {whenOf(latest)}
          </Text>
          {latest.status === 'failed' && (
            <Alert color="red" title="The invitation mail could not be delivered" role="alert">
              {latest.lastError ?? 'The mail server refused it.'} Check the address and the mail settings, then resend.
            </Alert>
          )}
          {latest.status === 'pending' && latest.lastError && (
            <Text size="sm" c="red">
              Last attempt failed: {latest.lastError}
            </Text>
          )}
          {mails.data.length > 1 && <MailHistory mails={mails.data} />}
        </Stack>
      )}

      {pending && (
        <Stack gap="sm">
          <Text fw={600} component="h3" m={0}>
            Send a new invitation
          </Text>
          <Text size="sm" c="dimmed">
            A new invitation replaces the earlier ones: their links stop working.
          </Text>
          <Group gap="sm">
            <Button onClick={() => send('email')} loading={resend.isPending && resend.variables === 'email'} disabled={resend.isPending}>
              Resend invitation email
            </Button>
            <Button variant="default" onClick={() => send('link')} loading={resend.isPending && resend.variables === 'link'} disabled={resend.isPending}>
              Get an invitation link
            </Button>
          </Group>
          {resend.isError && (
            <Alert color="red" role="alert" title="No new invitation was sent">
              {errorMessage(resend.error)}
            </Alert>
          )}
          {link?.link && (
            <Stack gap={4}>
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <TextInput
                  label="Invitation link"
                  value={link.link}
                  readOnly
                  onFocus={(event) => event.currentTarget.select()}
                  style={{ flex: 1, minWidth: 0 }}
                  description={`Pass it on to ${user.userName} yourself. It works once, until ${formatDate(link.expiresAt)}.`}
                />
                <CopyButton value={link.link}>
                  {({ copied, copy }) => (
                    <Button variant={copied ? 'light' : 'default'} color={copied ? 'green' : undefined} onClick={copy}>
                      {copied ? 'Copied' : 'Copy link'}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Stack>
          )}
        </Stack>
      )}
    </Stack>
  );
}

function MailHistory({ mails }: { mails: OutboxMail[] }) {
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table verticalSpacing="xs" captionSide="top">
        <Table.Caption>Every invitation mail to this user, newest first</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={170}>Status</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th>Failure</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {mails.map((mail) => (
            <Table.Tr key={mail.id}>
              <Table.Td>
                <MailStatusBadge mail={mail} />
              </Table.Td>
              <Table.Td>{whenOf(mail)}</Table.Td>
              <Table.Td>{mail.lastError ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
