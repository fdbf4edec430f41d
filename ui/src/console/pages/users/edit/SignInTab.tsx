// The Sign-in tab of Edit user: mail a password-reset link (the one "Forgot password" sends) to
// an active user, and the user's sessions (device, browser, address, last use), each of which
// can be ended, or all at once. Ending a session signs the user out of the applications it
// signed in to.

import { useState } from 'react';
import { Alert, Button, Group, Modal, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../../../../api/http.ts';
import type { ScimUser } from '../../../../api/scim.ts';
import { EmptyState, ErrorState, LoadingState } from '../../../../components/states.tsx';
import { accountState, formatDate, fullName } from './format.ts';
import { useEndSessions, useSendPasswordReset, useUserSessions, type UserSession } from './support-queries.ts';

function deviceOf(session: UserSession): string {
  const browser = session.browser ?? 'Unknown browser';
  const system = session.os ? ` on ${session.os}` : '';
  return `${browser}${system}`;
}

function PasswordReset({ user }: { user: ScimUser }) {
  const send = useSendPasswordReset(user.id);
  const active = accountState(user) === 'ACTIVE';
  return (
    <Stack gap="xs">
      <Text fw={600} size="lg" component="h2" m={0}>
        Password reset
      </Text>
      {active ? (
        <>
          <Text size="sm">
            Mails {user.userName} the link that “Forgot password” sends. Their password stays as it is until they choose a new one; choosing one ends
            their sessions.
          </Text>
          {send.isError && (
            <Alert color="red" role="alert" title="The reset link was not sent">
              {errorMessage(send.error)}
            </Alert>
          )}
          <Group>
            <Button
              variant="light"
              loading={send.isPending}
              onClick={() => send.mutate(undefined, { onSuccess: () => notifications.show({ color: 'green', message: `A password-reset link is on its way to ${user.userName}` }) })}
            >
              Send password reset
            </Button>
          </Group>
        </>
      ) : (
        <Text size="sm" c="dimmed">
          {accountState(user) === 'PENDING'
            ? 'This user has not accepted the invitation yet: resend the invitation instead.'
            : 'A reset link goes to active accounts only: unlock the account first.'}
        </Text>
      )}
    </Stack>
  );
}

function SessionItem({ session, onEnd }: { session: UserSession; onEnd: () => void }) {
  const label = `${deviceOf(session)}, signed in ${formatDate(session.signedInAt)}`;
  return (
    <Paper withBorder p="md" component="li" aria-label={label}>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} style={{ minWidth: 0, flex: '1 1 220px' }}>
          <Text fw={600}>
            {deviceOf(session)}
            {session.deviceType ? ` (${session.deviceType})` : ''}
          </Text>
          <Text size="sm">Address: {session.clientAddress ?? 'unknown'}</Text>
          <Text size="sm" c="dimmed">
            Signed in {formatDate(session.signedInAt)} · last seen {formatDate(session.lastSeenAt)}
          </Text>
          <Text size="sm" c="dimmed">
            Applications: {session.applications.map((a) => a.name).join(', ') || 'none yet'}
          </Text>
        </Stack>
        <Button variant="light" color="red" onClick={onEnd} aria-label={`End the session ${label}`}>
          End session
        </Button>
      </Group>
    </Paper>
  );
}

type Confirming = { kind: 'one'; session: UserSession } | { kind: 'all' };

function Sessions({ user }: { user: ScimUser }) {
  const sessions = useUserSessions(user.id);
  const { endOne, endAll } = useEndSessions(user.id);
  const [confirming, setConfirming] = useState<Confirming>();
  const name = fullName(user);
  const failed = endOne.error ?? endAll.error;
  const pending = endOne.isPending || endAll.isPending;

  const confirm = () => {
    if (!confirming) return;
    const done = (message: string) => () => {
      setConfirming(undefined);
      notifications.show({ color: 'green', message });
    };
    if (confirming.kind === 'one') endOne.mutate(confirming.session.id, { onSuccess: done('Session ended') });
    else endAll.mutate(undefined, { onSuccess: done(`Every session of ${name} ended`) });
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Text fw={600} size="lg" component="h2" m={0}>
            Sessions
          </Text>
          <Text size="sm" c="dimmed">
            Each browser or device {name} is signed in with, where it was last used from and when.
          </Text>
        </Stack>
        {sessions.data && sessions.data.length > 0 && (
          <Button
            variant="default"
            color="red"
            onClick={() => {
              endAll.reset();
              setConfirming({ kind: 'all' });
            }}
          >
            End all sessions
          </Button>
        )}
      </Group>
      {sessions.isPending ? (
        <LoadingState label="Loading the sessions…" />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} title="The sessions could not be loaded" />
      ) : sessions.data.length === 0 ? (
        <EmptyState title="No active sessions">{name} is not signed in anywhere.</EmptyState>
      ) : (
        <Stack gap="sm" component="ul" aria-label="Sessions of this user" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {sessions.data.map((session) => (
            <SessionItem
              key={session.id}
              session={session}
              onEnd={() => {
                endOne.reset();
                setConfirming({ kind: 'one', session });
              }}
            />
          ))}
        </Stack>
      )}
      <Modal opened={confirming !== undefined} onClose={() => setConfirming(undefined)} title={confirming?.kind === 'all' ? 'End every session?' : 'End this session?'} centered>
        {confirming && (
          <Stack gap="md">
            <Text size="sm">
              {confirming.kind === 'all'
                ? `${name} is signed out of every browser and application at once, and must sign in again.`
                : `${name} is signed out of ${deviceOf(confirming.session)} and the applications signed in with it.`}
            </Text>
            {failed && (
              <Alert color="red" role="alert" title="Nothing was ended">
                {errorMessage(failed)}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setConfirming(undefined)} disabled={pending}>
                Cancel
              </Button>
              <Button color="red" loading={pending} onClick={confirm}>
                {confirming.kind === 'all' ? 'End all sessions' : 'End session'}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

export function SignInTab({ user }: { user: ScimUser }) {
  return (
    <Stack gap="xl" maw={720}>
      <PasswordReset user={user} />
      <Sessions user={user} />
    </Stack>
  );
}
