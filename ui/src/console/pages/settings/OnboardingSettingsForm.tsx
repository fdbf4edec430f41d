// How customers join and the password policy: one form, saved at once. Only changed settings are
// sent; each problem, found here or by the server, is shown on its field.

import { useState, type FormEvent } from 'react';
import { Alert, Button, Checkbox, Group, NumberInput, Paper, Radio, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { fieldErrors, settingsApi, type OrganizationSettings } from '../../../api/settings.ts';
import { settingsKeys } from './settings-queries.ts';
import { changes, FIELD_OF_SETTING, LIMITS, toForm, validate, type FormField, type SettingsFormValues } from './settings-form.ts';

export function OnboardingSettingsForm({ settings }: { settings: OrganizationSettings }) {
  const queryClient = useQueryClient();
  const saved = toForm(settings);
  const [values, setValues] = useState<SettingsFormValues>(saved);
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});

  const save = useMutation({
    mutationFn: settingsApi.update,
    onSuccess: (updated) => {
      queryClient.setQueryData(settingsKeys.settings, updated);
      setValues(toForm(updated));
      notifications.show({ color: 'green', message: 'Settings saved' });
    },
    onError: (error) => {
      // The server names each setting it refused; show its words on the field that edits it.
      const byField: Partial<Record<FormField, string>> = {};
      for (const [setting, message] of Object.entries(fieldErrors(error))) {
        const field = FIELD_OF_SETTING[setting as keyof OrganizationSettings];
        if (field) byField[field] = message.replace(/^\w+ /, 'The value ');
      }
      setErrors(byField);
    },
  });

  const set = <K extends FormField>(field: K, value: SettingsFormValues[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const patch = changes(saved, values);
  const dirty = Object.keys(patch).length > 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validate(values);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    save.mutate(patch);
  }

  const unplaced = save.isError && Object.keys(fieldErrors(save.error)).length === 0;

  return (
    <form onSubmit={submit} noValidate aria-label="Onboarding and password settings">
      <Stack gap="lg">
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            Self-registration
          </Title>
          <Stack gap="md">
            <Switch
              label="Let customers create their own accounts"
              description="The sign-in page and My Account offer “Create an account”."
              checked={values.selfRegistrationEnabled}
              onChange={(e) => set('selfRegistrationEnabled', e.currentTarget.checked)}
              error={errors.selfRegistrationEnabled}
            />
            <Radio.Group
              label="A new account becomes active"
              value={values.selfRegistrationActivateImmediately ? 'immediately' : 'verified'}
              onChange={(value) => set('selfRegistrationActivateImmediately', value === 'immediately')}
              error={errors.selfRegistrationActivateImmediately}
            >
              <Stack gap="xs" mt="xs">
                <Radio value="verified" label="After the customer confirms their email address" disabled={!values.selfRegistrationEnabled} />
                <Radio value="immediately" label="Immediately, without confirming the address" disabled={!values.selfRegistrationEnabled} />
              </Stack>
            </Radio.Group>
            <Checkbox
              label="Mail customers when their account becomes active"
              checked={values.sendActivationMail}
              disabled={!values.selfRegistrationEnabled}
              onChange={(e) => set('sendActivationMail', e.currentTarget.checked)}
              error={errors.sendActivationMail}
            />
          </Stack>
        </Paper>

        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            Invitations and temporary passwords
          </Title>
          <Stack gap="md">
            <NumberInput
              label="Invitation links expire after (hours)"
              description="How long the link in an invitation to set a password works."
              value={values.invitationTtlHours}
              onChange={(value) => set('invitationTtlHours', value)}
              allowDecimal={false}
              allowNegative={false}
              clampBehavior="none"
              error={errors.invitationTtlHours}
              maw={320}
            />
            <Switch
              label="Ask for a new password at the first sign-in with a temporary password"
              description="A temporary password is one an administrator set for the customer."
              checked={values.forceTemporaryPasswordChange}
              onChange={(e) => set('forceTemporaryPasswordChange', e.currentTarget.checked)}
              error={errors.forceTemporaryPasswordChange}
            />
            <NumberInput
              label="Temporary passwords expire after (days)"
              value={values.temporaryPasswordTtlDays}
              onChange={(value) => set('temporaryPasswordTtlDays', value)}
              allowDecimal={false}
              allowNegative={false}
              clampBehavior="none"
              error={errors.temporaryPasswordTtlDays}
              maw={320}
            />
          </Stack>
        </Paper>

        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            Password policy
          </Title>
          <NumberInput
            label="Minimum password length (characters)"
            description={`From ${LIMITS.passwordMinLength.min} to ${LIMITS.passwordMinLength.max}. Applies to every new password, whoever sets it.`}
            value={values.passwordMinLength}
            onChange={(value) => set('passwordMinLength', value)}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            error={errors.passwordMinLength}
            maw={320}
          />
        </Paper>

        {unplaced && (
          <Alert color="red" title="The settings were not saved" role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending} disabled={!dirty}>
            Save settings
          </Button>
          {dirty && (
            <Button variant="default" onClick={() => (setValues(saved), setErrors({}))}>
              Discard changes
            </Button>
          )}
          {!dirty && (
            <Text size="sm" c="dimmed">
              No unsaved changes
            </Text>
          )}
        </Group>
      </Stack>
    </form>
  );
}
