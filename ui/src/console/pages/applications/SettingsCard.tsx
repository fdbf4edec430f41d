// Changing a registered application's name, redirect URIs and post-logout URIs, or a
// machine-to-machine application's scopes. Only changed fields matter to the server, but the
// form sends all of its fields: they are few, and what is shown is what gets stored. The page
// keys this card by the application's updatedAt, so a save shows what the server stored.

import { useState, type FormEvent } from 'react';
import { Alert, Button, Card, Group, Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { applications, type Application } from '../../../api/applications.ts';
import { applicationKeys } from './application-queries.ts';
import { ApplicationFields, bodyOf, serverFieldErrors, validate, valuesOf, type FieldErrors } from './ApplicationFields.tsx';

export function SettingsCard({ app }: { app: Application }) {
  const [values, setValues] = useState(() => valuesOf(app));
  const [errors, setErrors] = useState<FieldErrors>({});
  const queryClient = useQueryClient();

  const save = useMutation({
    mutationFn: () => applications.update(app.id, bodyOf(values, app.type)),
    onSuccess: async (updated) => {
      queryClient.setQueryData(applicationKeys.one(app.id), updated);
      await queryClient.invalidateQueries({ queryKey: applicationKeys.list });
      notifications.show({ color: 'green', message: `${updated.name} saved` });
    },
    onError: (error) => {
      const fieldErrors = serverFieldErrors(error);
      if (fieldErrors) setErrors(fieldErrors);
    },
  });

  const initial = valuesOf(app);
  const dirty = JSON.stringify(bodyOf(values, app.type)) !== JSON.stringify(bodyOf(initial, app.type));

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validate(values, app.type);
    setErrors(problems);
    if (Object.keys(problems).length === 0) save.mutate();
  }

  const otherError = save.isError && !serverFieldErrors(save.error) ? errorMessage(save.error) : undefined;
  return (
    <Card withBorder padding="lg">
      <form onSubmit={submit} noValidate aria-labelledby="application-settings-title">
        <Stack gap="md">
          <Title order={2} size="h4" id="application-settings-title">
            Settings
          </Title>
          <ApplicationFields
            type={app.type}
            values={values}
            errors={errors}
            onChange={(next, field) => {
              setValues(next);
              setErrors((current) => ({ ...current, [field]: undefined }));
              save.reset();
            }}
          />
          {otherError && (
            <Alert color="red" role="alert">
              {otherError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button
              variant="default"
              disabled={!dirty || save.isPending}
              onClick={() => {
                setValues(initial);
                setErrors({});
                save.reset();
              }}
            >
              Discard changes
            </Button>
            <Button type="submit" disabled={!dirty} loading={save.isPending}>
              Save changes
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
