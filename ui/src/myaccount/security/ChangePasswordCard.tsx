// Changing one's password: the current password proves it is the customer, the new one must
// pass the organization's password policy. A change ends every session and token of the
// account, this app's own included, so success says so and leads to signing in again.

import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Modal, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { errorMessage } from '../../api/http.ts';
import { changePassword, passwordErrorField } from '../../api/my-account.ts';
import { signIn } from '../../auth/oidc.ts';
import { config } from '../../config.ts';

type Field = 'currentPassword' | 'newPassword' | 'confirmPassword';

export function ChangePasswordCard() {
  const [values, setValues] = useState<Record<Field, string>>({ currentPassword: '', newPassword: '', confirmPassword: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const change = useMutation({
    mutationFn: () => changePassword(values.currentPassword, values.newPassword),
    // Nothing is refetched here: every token of this app was just revoked, and a request now
    // would only bounce to the sign-in page before the person reads why.
    onSuccess: () => setValues({ currentPassword: '', newPassword: '', confirmPassword: '' }),
    onError: (error) => {
      const field = passwordErrorField(error);
      setErrors(field ? { [field]: errorMessage(error) } : {});
    },
  });

  const set = (field: Field) => (event: ChangeEvent<HTMLInputElement>) => {
    const value = event.currentTarget.value;
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    if (!values.currentPassword) found.currentPassword = 'Enter your current password';
    if (!values.newPassword) found.newPassword = 'Enter a new password';
    else if (values.newPassword === values.currentPassword) found.newPassword = 'The new password must differ from the current one';
    if (values.newPassword && values.confirmPassword !== values.newPassword) found.confirmPassword = 'The two new passwords do not match';
    setErrors(found);
    if (Object.keys(found).length === 0) change.mutate();
  }

  const otherError = change.isError && !passwordErrorField(change.error) ? errorMessage(change.error) : undefined;

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="change-password">
      <Title order={2} size="h4" id="change-password" mb={4}>
        Change password
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Changing your password signs you out everywhere, here included.
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="md" maw={520}>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            value={values.currentPassword}
            onChange={set('currentPassword')}
            error={errors.currentPassword}
            aria-invalid={errors.currentPassword ? true : undefined}
            required
          />
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            description={`A long passphrase is best. It can't contain your email or ${config.orgName}'s name, or be easy to guess.`}
            value={values.newPassword}
            onChange={set('newPassword')}
            error={errors.newPassword}
            aria-invalid={errors.newPassword ? true : undefined}
            required
          />
          <PasswordInput
            label="Confirm new password"
            autoComplete="new-password"
            value={values.confirmPassword}
            onChange={set('confirmPassword')}
            error={errors.confirmPassword}
            aria-invalid={errors.confirmPassword ? true : undefined}
            required
          />
          {otherError && (
            <Alert color="red" title="Your password was not changed" role="alert">
              {otherError}
            </Alert>
          )}
          <div>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </div>
        </Stack>
      </form>
      <Modal
        opened={change.isSuccess}
        onClose={() => {}}
        withCloseButton={false}
        closeOnClickOutside={false}
        closeOnEscape={false}
        title="Password changed"
        centered
      >
        <Stack gap="md">
          <Text size="sm">
            Your password is changed. To keep your account safe, every other session has been signed out; this browser stays signed in.
          </Text>
          {/* The app's own tokens ended with the others: it fetches new ones from this browser's session. */}
          <Button onClick={() => void signIn(`${config.basePath}/security`)} data-autofocus>
            Continue
          </Button>
        </Stack>
      </Modal>
    </Card>
  );
}
