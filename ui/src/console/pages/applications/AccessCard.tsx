// Who may sign in to an application: everyone in the organization, or only members of chosen
// groups; the sign-in page refuses anyone else. Built-in and machine-to-machine applications
// have fixed rules, said in words instead of a form.

import { useState, type FormEvent } from 'react';
import { Alert, Button, Card, Group, Radio, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { applications, errorField, type Application } from '../../../api/applications.ts';
import { applicationKeys } from './application-queries.ts';
import { GroupPicker } from './GroupPicker.tsx';

type Mode = 'everyone' | 'groups';

function FixedAccess({ children }: { children: string }) {
  return (
    <Card withBorder padding="lg">
      <Stack gap="xs">
        <Title order={2} size="h4">
          Who may sign in
        </Title>
        <Text size="sm">{children}</Text>
      </Stack>
    </Card>
  );
}

export function AccessCard({ app }: { app: Application }) {
  if (app.builtIn === 'console') return <FixedAccess>Only the organization's owner and administrators may sign in to the Console. This cannot be changed.</FixedAccess>;
  if (app.builtIn === 'myaccount') return <FixedAccess>Everyone in the organization may sign in to My Account to manage their own account. This cannot be changed.</FixedAccess>;
  if (app.type === 'm2m') {
    return <FixedAccess>Nobody signs in to a machine-to-machine application: it acts for itself, and its scopes decide what it may do.</FixedAccess>;
  }
  return <AccessForm app={app} />;
}

function AccessForm({ app }: { app: Application }) {
  const [mode, setMode] = useState<Mode>(app.accessRestricted ? 'groups' : 'everyone');
  const [groupIds, setGroupIds] = useState(app.allowedGroupIds);
  const [groupError, setGroupError] = useState<string>();
  const queryClient = useQueryClient();

  const save = useMutation({
    mutationFn: () => applications.update(app.id, mode === 'everyone' ? { accessRestricted: false } : { accessRestricted: true, allowedGroupIds: groupIds }),
    onSuccess: async (updated) => {
      queryClient.setQueryData(applicationKeys.one(app.id), updated);
      await queryClient.invalidateQueries({ queryKey: applicationKeys.list });
      notifications.show({
        color: 'green',
        message: updated.accessRestricted ? `Only members of the chosen groups may sign in to ${updated.name}` : `Everyone in the organization may sign in to ${updated.name}`,
      });
    },
    onError: (error) => {
      if (errorField(error) === 'allowedGroupIds') setGroupError(errorMessage(error));
    },
  });

  const sameGroups = groupIds.length === app.allowedGroupIds.length && groupIds.every((id) => app.allowedGroupIds.includes(id));
  const dirty = mode === 'everyone' ? app.accessRestricted : !app.accessRestricted || !sameGroups;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (mode === 'groups' && groupIds.length === 0) {
      setGroupError('Choose at least one group, or let everyone in the organization sign in');
      return;
    }
    save.mutate();
  }

  const otherError = save.isError && errorField(save.error) !== 'allowedGroupIds' ? errorMessage(save.error) : undefined;
  return (
    <Card withBorder padding="lg">
      <form onSubmit={submit} noValidate aria-labelledby="application-access-title">
        <Stack gap="md">
          <Title order={2} size="h4" id="application-access-title">
            Who may sign in
          </Title>
          {app.accessRestricted && app.allowedGroupIds.length === 0 && (
            <Alert color="orange" title="Nobody can sign in">
              This application is restricted to groups, but none is chosen (its groups may have been deleted). Choose groups or let everyone sign in.
            </Alert>
          )}
          <Radio.Group
            label="Allowed people"
            value={mode}
            onChange={(value) => {
              setMode(value as Mode);
              setGroupError(undefined);
              save.reset();
            }}
          >
            <Stack gap="sm" mt="xs">
              <Radio value="everyone" label="Everyone in the organization" description="Any active user of the organization may sign in." />
              <Radio value="groups" label="Only members of these groups" description="People outside the chosen groups are refused at the sign-in page." />
            </Stack>
          </Radio.Group>
          {mode === 'groups' && (
            <GroupPicker
              label="Allowed groups"
              description="Members of any of these groups may sign in."
              value={groupIds}
              onChange={(ids) => {
                setGroupIds(ids);
                setGroupError(undefined);
                save.reset();
              }}
              error={groupError}
            />
          )}
          {otherError && (
            <Alert color="red" role="alert">
              {otherError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" disabled={!dirty} loading={save.isPending}>
              Save access
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
