// The owner invites an administrator: by a mailed invitation, or by a link shown here to copy
// and pass on. Either way the administrator sets their own password through the link.

import { useState, type FormEvent } from 'react';
import { Alert, Button, CopyButton, Group, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/http.ts';
import { administratorsApi, type AdministratorInvitation } from '../../../api/administrators.ts';
import { administratorKeys } from './admin-queries.ts';

const EMPTY: AdministratorInvitation = { email: '', givenName: '', familyName: '', delivery: 'email' };

/** The email field's problem when the server names it (an invalid or taken address). */
function emailProblem(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.code === 'user.email_in_use') return 'Someone in this organization already has this email address.';
  if (error.code === 'user.invalid_email' || error.details?.field === 'userName' || error.details?.field === 'email') return 'Enter a valid email address.';
  return undefined;
}

export function InviteAdministratorModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<AdministratorInvitation>(EMPTY);
  const [emailError, setEmailError] = useState<string>();
  const [link, setLink] = useState<string>();

  const invite = useMutation({
    mutationFn: (invitation: AdministratorInvitation) =>
      administratorsApi.invite({
        email: invitation.email.trim(),
        delivery: invitation.delivery,
        ...(invitation.givenName?.trim() && { givenName: invitation.givenName.trim() }),
        ...(invitation.familyName?.trim() && { familyName: invitation.familyName.trim() }),
      }),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: administratorKeys.all });
      if (created.invitationLink) {
        setLink(created.invitationLink);
      } else {
        notifications.show({ color: 'green', message: `Invitation mailed to ${created.email}` });
        close();
      }
    },
    onError: (error) => setEmailError(emailProblem(error)),
  });

  function close() {
    setForm(EMPTY);
    setEmailError(undefined);
    setLink(undefined);
    invite.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!/^[^\s@]+@[^\s@]+$/.test(form.email.trim())) {
      setEmailError('Enter the email address of the person to invite.');
      return;
    }
    invite.mutate(form);
  }

  const otherError = invite.isError && !emailProblem(invite.error);

  return (
    <Modal opened={opened} onClose={close} title={link ? 'Administrator invited' : 'Invite an administrator'}>
      {link ? (
        <Stack>
          <Text size="sm">
            Pass this link on to {form.email.trim()}. It works once, until it expires; with it they set their password and can then sign in to the
            Console.
          </Text>
          <TextInput label="Invitation link" value={link} readOnly onFocus={(e) => e.currentTarget.select()} />
          <Group justify="flex-end">
            <CopyButton value={link}>
              {({ copied, copy }) => (
                <Button variant="light" color={copied ? 'teal' : undefined} onClick={copy}>
                  {copied ? 'Link copied' : 'Copy link'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text size="sm">Administrators manage users, groups, applications and settings. Only you, the owner, can add or remove them.</Text>
            <TextInput
              label="Email"
              type="email"
              required
              data-autofocus
              value={form.email}
              onChange={(e) => (setForm({ ...form, email: e.currentTarget.value }), setEmailError(undefined))}
              error={emailError}
            />
            <Group grow align="flex-start" wrap="wrap">
              <TextInput label="First name" value={form.givenName} onChange={(e) => setForm({ ...form, givenName: e.currentTarget.value })} miw={160} />
              <TextInput label="Last name" value={form.familyName} onChange={(e) => setForm({ ...form, familyName: e.currentTarget.value })} miw={160} />
            </Group>
            <Radio.Group label="How to invite" value={form.delivery} onChange={(value) => setForm({ ...form, delivery: value as AdministratorInvitation['delivery'] })}>
              <Stack gap="xs" mt="xs">
                <Radio value="email" label="Mail them an invitation to set a password" />
                <Radio value="link" label="Give me a link to pass on myself" />
              </Stack>
            </Radio.Group>
            {otherError && (
              <Alert color="red" role="alert" title="The administrator was not invited">
                {errorMessage(invite.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={invite.isPending}>
                Invite administrator
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
