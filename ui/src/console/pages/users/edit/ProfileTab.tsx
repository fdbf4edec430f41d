// The user's name (editable) and the facts about the account (read-only). Saving sends If-Match
// with the version the form was filled from: if someone else changed the user meanwhile the
// server answers 412, and the form reloads with their changes rather than overwriting them.

import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Button, Group, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../../api/http.ts';
import { WSO2_SCHEMA, type PatchOperation, type ScimUser } from '../../../../api/scim.ts';
import { formatDate, StateBadge, stateMeaning } from './format.ts';
import { usePatchUser, userKey } from './queries.ts';

const MAX_NAME = 256;

type NameField = 'givenName' | 'familyName';
const FIELDS: Record<NameField, string> = { givenName: 'First name', familyName: 'Last name' };

function nameOperation(field: NameField, value: string): PatchOperation {
  // An emptied name is removed rather than set to "".
  return value ? { op: 'replace', path: `name.${field}`, value } : { op: 'remove', path: `name.${field}` };
}

/** The field a server message is about ("name.givenName must be…"), if it names one. */
function fieldOf(error: unknown): NameField | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return (Object.keys(FIELDS) as NameField[]).find((field) => error.message.includes(`name.${field}`));
}

export function ProfileTab({ user }: { user: ScimUser }) {
  const [conflict, setConflict] = useState(false);
  return (
    <Stack gap="lg" maw={720}>
      {conflict && (
        <Alert color="yellow" title="Someone else changed this user" withCloseButton onClose={() => setConflict(false)} closeButtonLabel="Dismiss">
          Your changes were not saved. The form now shows the user as they are; make your changes again and save.
        </Alert>
      )}
      {/* Keyed by version: a newer user (saved here or reloaded after a conflict) refills the form. */}
      <NameForm key={user.meta.version} user={user} onConflict={() => setConflict(true)} onSaved={() => setConflict(false)} />
      <AccountFacts user={user} />
    </Stack>
  );
}

function NameForm({ user, onConflict, onSaved }: { user: ScimUser; onConflict: () => void; onSaved: () => void }) {
  const queryClient = useQueryClient();
  const initial = { givenName: user.name?.givenName ?? '', familyName: user.name?.familyName ?? '' };
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<NameField, string>>>({});
  const patch = usePatchUser(user.id);
  const changed = (Object.keys(FIELDS) as NameField[]).filter((field) => values[field].trim() !== initial[field]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<NameField, string>> = {};
    for (const field of changed) {
      if (values[field].trim().length > MAX_NAME) found[field] = `${FIELDS[field]} must be at most ${MAX_NAME} characters`;
    }
    setErrors(found);
    if (Object.keys(found).length > 0 || changed.length === 0) return;
    patch.mutate(
      { operations: changed.map((field) => nameOperation(field, values[field].trim())), version: user.meta.version },
      {
        onSuccess: () => {
          onSaved();
          notifications.show({ color: 'green', message: 'Profile saved' });
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 412) {
            onConflict();
            void queryClient.invalidateQueries({ queryKey: userKey(user.id) });
            return;
          }
          const field = fieldOf(error);
          if (field) setErrors({ [field]: errorMessage(error) });
        },
      },
    );
  };

  const otherError = patch.error && !(patch.error instanceof ApiError && patch.error.status === 412) && !fieldOf(patch.error) ? patch.error : undefined;
  const email = user.emails?.find((e) => e.primary)?.value ?? user.userName;

  return (
    <form onSubmit={submit} noValidate aria-labelledby="profile-heading">
      <Stack gap="md">
        <Text id="profile-heading" fw={600} size="lg" component="h2" m={0}>
          Profile
        </Text>
        <TextInput
          label="Email (username)"
          value={user.userName}
          readOnly
          variant="filled"
          description="The email is the username: it is unique in this organization and cannot be changed."
        />
        {email !== user.userName && <Text size="sm">Contact email: {email}</Text>}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {(Object.keys(FIELDS) as NameField[]).map((field) => (
            <TextInput
              key={field}
              label={FIELDS[field]}
              value={values[field]}
              autoComplete="off"
              onChange={(event) => {
                const value = event.currentTarget.value;
                setValues((current) => ({ ...current, [field]: value }));
                setErrors((current) => ({ ...current, [field]: undefined }));
              }}
              error={errors[field]}
            />
          ))}
        </SimpleGrid>
        {otherError !== undefined && (
          <Alert color="red" role="alert" title="The profile was not saved">
            {errorMessage(otherError)}
          </Alert>
        )}
        <Group gap="sm">
          <Button type="submit" loading={patch.isPending} disabled={changed.length === 0}>
            Save profile
          </Button>
          {changed.length > 0 && (
            <Button variant="default" onClick={() => (setValues(initial), setErrors({}))} disabled={patch.isPending}>
              Discard changes
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} component="dt">
        {label}
      </Text>
      <Text size="sm" component="dd" m={0}>
        {children}
      </Text>
    </div>
  );
}

function AccountFacts({ user }: { user: ScimUser }) {
  const verified = user[WSO2_SCHEMA]?.emailVerified === true;
  return (
    <Stack gap="sm">
      <Text fw={600} size="lg" component="h2" m={0}>
        Account
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md" component="dl" m={0}>
        <Fact label="Account state">
          <Group gap="xs" component="span">
            <StateBadge user={user} />
            <Text span size="sm" c="dimmed">
              {stateMeaning(user)}
            </Text>
          </Group>
        </Fact>
        <Fact label="Email verified">{verified ? 'Yes' : 'No'}</Fact>
        <Fact label="Created">{formatDate(user.meta.created)}</Fact>
        <Fact label="Last modified">{formatDate(user.meta.lastModified)}</Fact>
      </SimpleGrid>
    </Stack>
  );
}
