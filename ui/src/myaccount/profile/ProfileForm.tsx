// The customer's own details: the email shown read-only (it is their username, fixed once the
// account exists) and the first and last names, which they may change.

import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Group, Stack, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../../api/http.ts';
import { myAccountKeys, myProfile, profileOperations, type ProfileChanges } from '../../api/my-account.ts';
import type { ScimUser } from '../../api/scim.ts';
import { config } from '../../config.ts';

const MAX_NAME = 100;

function namesOf(user: ScimUser): ProfileChanges {
  return { givenName: user.name?.givenName ?? '', familyName: user.name?.familyName ?? '' };
}

export function ProfileForm({ user }: { user: ScimUser }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<ProfileChanges>(() => namesOf(user));
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<keyof ProfileChanges, string>>>({});
  const save = useMutation({
    mutationFn: (changes: ProfileChanges) => myProfile.update(user, changes),
    onSuccess: (saved) => {
      queryClient.setQueryData(myAccountKeys.profile, saved);
      void queryClient.invalidateQueries({ queryKey: myAccountKeys.profile });
      setValues(namesOf(saved));
      notifications.show({ color: 'green', title: 'Profile saved', message: 'Your name is updated.' });
    },
  });
  const unchanged = profileOperations(user, values).length === 0;
  const email = user.emails?.find((e) => e.primary)?.value ?? user.userName;

  function submit(event: FormEvent) {
    event.preventDefault();
    const errors: typeof fieldErrors = {};
    if (values.givenName.trim().length > MAX_NAME) errors.givenName = `First name must be at most ${MAX_NAME} characters`;
    if (values.familyName.trim().length > MAX_NAME) errors.familyName = `Last name must be at most ${MAX_NAME} characters`;
    setFieldErrors(errors);
    if (Object.keys(errors).length === 0) save.mutate(values);
  }

  function fieldOf(message: string): keyof ProfileChanges | undefined {
    if (/givenName/.test(message)) return 'givenName';
    if (/familyName/.test(message)) return 'familyName';
    return undefined;
  }
  const serverMessage = save.error ? errorMessage(save.error) : undefined;
  const serverField = serverMessage ? fieldOf(serverMessage) : undefined;

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="personal-details">
      <Title order={2} size="h4" id="personal-details" mb="md">
        Personal details
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack gap="md" maw={520}>
          <TextInput
            label="Email"
            value={email}
            readOnly
            variant="filled"
            description={`Your email is your username in ${config.orgName}, so it can't be changed. If it needs to, ask your administrator.`}
          />
          <TextInput
            label="First name"
            autoComplete="given-name"
            value={values.givenName}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setValues((v) => ({ ...v, givenName: value }));
            }}
            error={fieldErrors.givenName ?? (serverField === 'givenName' ? serverMessage : undefined)}
          />
          <TextInput
            label="Last name"
            autoComplete="family-name"
            value={values.familyName}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setValues((v) => ({ ...v, familyName: value }));
            }}
            error={fieldErrors.familyName ?? (serverField === 'familyName' ? serverMessage : undefined)}
          />
          {serverMessage && !serverField && (
            <Alert color="red" title="Your profile was not saved" role="alert">
              {serverMessage}
            </Alert>
          )}
          <Group gap="sm">
            <Button type="submit" loading={save.isPending} disabled={unchanged}>
              Save changes
            </Button>
            <Button
              variant="default"
              disabled={unchanged || save.isPending}
              onClick={() => {
                setValues(namesOf(user));
                setFieldErrors({});
                save.reset();
              }}
            >
              Discard changes
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
