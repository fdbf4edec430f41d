// The customer's sign-in sessions (one per browser or device), newest first, each with the
// applications it signed in to; any of them can be signed out after a confirmation. Signing
// out the session this app uses ends this app's sign-in too, so that leads to signing in again.

import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../../api/http.ts';
import { myAccountKeys, mySessions, type MySession } from '../../api/my-account.ts';
import { signIn } from '../../auth/oidc.ts';
import { config } from '../../config.ts';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const formatDate = (iso: string | null) => (iso ? when.format(new Date(iso)) : 'unknown');

function SessionItem({ session, onSignOut }: { session: MySession; onSignOut: () => void }) {
  const apps = session.applications.map((a) => a.name).join(', ');
  return (
    <Paper withBorder p="md" component="li" aria-label={`Session signed in ${formatDate(session.signedInAt)}`}>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} style={{ minWidth: 0, flex: '1 1 220px' }}>
          <Group gap="xs">
            <Text fw={600}>Signed in {formatDate(session.signedInAt)}</Text>
            {session.current && (
              <Badge color="green" variant="light" tt="none">
                This session
              </Badge>
            )}
          </Group>
          <Text size="sm">
            {session.browser ?? 'Unknown browser'}
            {session.os ? ` on ${session.os}` : ''} · last used {formatDate(session.lastSeenAt)} from {session.clientAddress ?? 'an unknown address'}
          </Text>
          <Text size="sm" c="dimmed">
            Applications: {apps || 'none yet'}
          </Text>
          <Text size="sm" c="dimmed">
            Ends {formatDate(session.expiresAt)} at the latest
          </Text>
        </Stack>
        <Button
          variant="light"
          color="red"
          onClick={onSignOut}
          aria-label={`Sign out the session signed in ${formatDate(session.signedInAt)}${session.current ? ' (this session)' : ''}`}
        >
          Sign out
        </Button>
      </Group>
    </Paper>
  );
}

export function SessionsCard() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: myAccountKeys.sessions, queryFn: mySessions.list });
  const [confirming, setConfirming] = useState<MySession>();
  const signOut = useMutation({
    mutationFn: (session: MySession) => mySessions.signOut(session.id),
    onSuccess: (_, session) => {
      setConfirming(undefined);
      // This app's tokens went with its session: sign in again rather than fail the next call.
      if (session.current) return void signIn(`${config.basePath}/security`);
      notifications.show({ color: 'green', title: 'Session signed out', message: 'Applications signed in with it will ask for a sign-in again.' });
      return queryClient.invalidateQueries({ queryKey: myAccountKeys.sessions });
    },
  });

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="active-sessions">
      <Title order={2} size="h4" id="active-sessions" mb={4}>
        Active sessions
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Each browser or device you signed in with. Sign out any you do not recognise.
      </Text>
      {sessions.isPending ? (
        <LoadingState label="Loading your sessions…" />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} title="Your sessions could not be loaded" />
      ) : sessions.data.length === 0 ? (
        <EmptyState title="No active sessions" />
      ) : (
        <Stack gap="sm" component="ul" aria-label="Your sessions" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {sessions.data.map((session) => (
            <SessionItem
              key={session.id}
              session={session}
              onSignOut={() => {
                signOut.reset();
                setConfirming(session);
              }}
            />
          ))}
        </Stack>
      )}
      <Modal opened={confirming !== undefined} onClose={() => setConfirming(undefined)} title="Sign out this session?" centered>
        {confirming && (
          <Stack gap="md">
            <Text size="sm">
              The session signed in {formatDate(confirming.signedInAt)} ends now, and applications signed in with it ({confirming.applications.map((a) => a.name).join(', ') || 'none'}) will ask
              for a sign-in again.
            </Text>
            {confirming.current && (
              <Alert color="yellow" title="This is the session you are using">
                You will be signed out of My Account too, and asked to sign in again.
              </Alert>
            )}
            {signOut.isError && (
              <Alert color="red" title="The session was not signed out" role="alert">
                {errorMessage(signOut.error)}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setConfirming(undefined)}>
                Keep it
              </Button>
              <Button color="red" loading={signOut.isPending} onClick={() => signOut.mutate(confirming)}>
                Sign out session
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}
