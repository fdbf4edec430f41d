// Step 1 of New User > Customer, in the guide's words: Email (username) with its warning,
// First Name, Last Name, and the method to set the user password.

import { useState, type FocusEvent, type RefObject } from 'react';
import { Alert, Button, Group, PasswordInput, Radio, Stack, Text, TextInput } from '@mantine/core';
import type { FieldErrors } from './new-user-form.ts';
import { passwordRule } from './new-user-form.ts';
import type { NewCustomer } from './new-user-api.ts';

export interface CustomerDetailsStepProps {
  values: NewCustomer;
  errors: FieldErrors;
  onChange: (changes: Partial<NewCustomer>) => void;
  onEmailBlur: (event: FocusEvent<HTMLInputElement>) => void;
  onPasswordBlur: (event: FocusEvent<HTMLInputElement>) => void;
  /** The password typed before a reload was not kept: say so next to the field. */
  passwordDropped: boolean;
  checkingEmail: boolean;
  minLength: number;
  mustChange: boolean;
  onGeneratePassword: () => void;
  emailRef: RefObject<HTMLInputElement | null>;
  passwordRef: RefObject<HTMLInputElement | null>;
}

export const PASSWORD_NOT_KEPT = 'For your security the temporary password was not kept; enter it again';

export function CustomerDetailsStep(props: CustomerDetailsStepProps) {
  const { values, errors, onChange } = props;
  // A generated password is shown, so that the administrator can pass it on.
  const [passwordVisible, setPasswordVisible] = useState(false);
  return (
    <Stack gap="md">
      <Stack gap="xs">
        <TextInput
          ref={props.emailRef}
          label="Email (username)"
          description="A unique email address to identify the customer."
          placeholder="name@example.com"
          type="email"
          autoComplete="off"
          required
          value={values.email}
          onChange={(event) => onChange({ email: event.currentTarget.value })}
          onBlur={props.onEmailBlur}
          error={errors.email}
          rightSection={props.checkingEmail ? <Text size="xs" c="dimmed">…</Text> : null}
          aria-describedby="email-username-warning"
        />
        <Alert color="yellow" variant="light" title="This email address is the username" id="email-username-warning">
          This email address will be used as the username. A username is always unique to the organization, and you can’t change it
          once it is created.
        </Alert>
      </Stack>
      <TextInput
        label="First Name"
        description="You can add or change it later."
        autoComplete="off"
        value={values.givenName}
        onChange={(event) => onChange({ givenName: event.currentTarget.value })}
        error={errors.givenName}
      />
      <TextInput
        label="Last Name"
        description="You can add or change it later."
        autoComplete="off"
        value={values.familyName}
        onChange={(event) => onChange({ familyName: event.currentTarget.value })}
        error={errors.familyName}
      />
      <Radio.Group
        label="Select the method to set the user password"
        value={values.method}
        onChange={(value) => onChange({ method: value === 'temporary' ? 'temporary' : 'invite' })}
        required
      >
        <Stack gap="sm" mt="xs">
          <Radio
            value="invite"
            label="Invite user to set their own password"
            description="An email with a confirmation link is sent to the email address above. The customer uses the link to set a password and confirm the account."
          />
          <Radio
            value="temporary"
            label="Set a temporary password for the user"
            description={
              props.mustChange
                ? 'You give the customer a temporary password; they must change it the first time they sign in.'
                : 'You give the customer a password to sign in with.'
            }
          />
        </Stack>
      </Radio.Group>
      {values.method === 'temporary' && (
        <Stack gap={6}>
          <PasswordInput
            ref={props.passwordRef}
            label="Temporary password"
            description={passwordRule(props.minLength)}
            autoComplete="new-password"
            required
            value={values.password}
            onChange={(event) => onChange({ password: event.currentTarget.value })}
            onBlur={props.onPasswordBlur}
            error={errors.password ?? (props.passwordDropped ? PASSWORD_NOT_KEPT : undefined)}
            // Mantine's PasswordInput marks its field invalid for styles only (data-invalid).
            aria-invalid={errors.password ? true : undefined}
            visible={passwordVisible}
            onVisibilityChange={setPasswordVisible}
          />
          <Group>
            <Button variant="subtle" size="compact-sm" onClick={() => (props.onGeneratePassword(), setPasswordVisible(true))}>
              Generate a password
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
