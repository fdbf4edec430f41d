// Registering an application: its kind (explained), its name, and its redirect URIs or API
// scopes. A web or machine-to-machine application's secret is shown once, then the new
// application's page opens.

import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Button, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { applications, type ApplicationType, type ApplicationWithSecret } from '../../../api/applications.ts';
import { applicationKeys } from './application-queries.ts';
import { TYPE_EXPLANATIONS, TYPE_LABELS } from './application-kinds.ts';
import { ApplicationFields, bodyOf, EMPTY_VALUES, serverFieldErrors, validate, type FieldErrors } from './ApplicationFields.tsx';
import { SecretModal } from './SecretModal.tsx';

const TYPES: ApplicationType[] = ['spa', 'web', 'm2m'];

export function RegisterApplicationModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [type, setType] = useState<ApplicationType>('spa');
  const [values, setValues] = useState(EMPTY_VALUES);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<ApplicationWithSecret>();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const register = useMutation({
    mutationFn: () => applications.create({ type, ...bodyOf(values, type) }),
    onSuccess: async (application) => {
      await queryClient.invalidateQueries({ queryKey: applicationKeys.all });
      notifications.show({ color: 'green', message: `Application “${application.name}” registered` });
      close();
      if (application.clientSecret) setCreated(application);
      else void navigate(`/applications/${application.id}`);
    },
    onError: (error) => {
      const fieldErrors = serverFieldErrors(error);
      if (fieldErrors) setErrors(fieldErrors);
    },
  });

  function close() {
    setType('spa');
    setValues(EMPTY_VALUES);
    setErrors({});
    register.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validate(values, type);
    setErrors(problems);
    if (Object.keys(problems).length === 0) register.mutate();
  }

  const otherError = register.isError && !serverFieldErrors(register.error) ? errorMessage(register.error) : undefined;
  return (
    <>
      <Modal opened={opened} onClose={close} title="Register an application" size="lg">
        <form onSubmit={submit} noValidate>
          <Stack gap="lg">
            <Radio.Group
              label="Kind of application"
              value={type}
              onChange={(value) => {
                setType(value as ApplicationType);
                setErrors({});
              }}
              required
            >
              <Stack gap="sm" mt="xs">
                {TYPES.map((t) => (
                  <Radio
                    key={t}
                    value={t}
                    label={TYPE_LABELS[t]}
                    description={TYPE_EXPLANATIONS[t]}
                  />
                ))}
              </Stack>
            </Radio.Group>
            <ApplicationFields
              type={type}
              values={values}
              errors={errors}
              onChange={(next, field) => {
                setValues(next);
                setErrors((current) => ({ ...current, [field]: undefined }));
              }}
            />
            {type !== 'm2m' && (
              <Text size="sm" c="dimmed">
                Everyone in the organization may sign in to a new application. You can restrict it to members of chosen groups on its page.
              </Text>
            )}
            {otherError && (
              <Alert color="red" role="alert">
                {otherError}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={register.isPending}>
                Register application
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <SecretModal
        secret={created?.clientSecret}
        applicationName={created?.name ?? ''}
        onClose={() => {
          const id = created?.id;
          setCreated(undefined);
          if (id) void navigate(`/applications/${id}`);
        }}
      />
    </>
  );
}
