// The fields registering and editing an application share: name, redirect URIs, post-logout
// URIs and allowed (CORS) origins for applications people sign in to, API scopes for machine-to-machine ones. Checked
// here the way the server checks them; what only the server knows comes back on the field too.

import { Checkbox, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { ApiError } from '../../../api/http.ts';
import { errorField, fieldErrorMessage, type Application, type ApplicationType } from '../../../api/applications.ts';
import { API_SCOPE_LIST, SCOPE_DESCRIPTIONS, originProblem, uriLines, uriProblem } from './application-kinds.ts';

export interface ApplicationFormValues {
  name: string;
  /** One URI a line. */
  redirectUris: string;
  postLogoutRedirectUris: string;
  /** One origin a line. */
  allowedOrigins: string;
  scopes: string[];
}

export type FieldName = keyof ApplicationFormValues;
export type FieldErrors = Partial<Record<FieldName, string>>;

export const EMPTY_VALUES: ApplicationFormValues = { name: '', redirectUris: '', postLogoutRedirectUris: '', allowedOrigins: '', scopes: [] };

export function valuesOf(app: Application): ApplicationFormValues {
  return {
    name: app.name,
    redirectUris: app.redirectUris.join('\n'),
    postLogoutRedirectUris: app.postLogoutRedirectUris.join('\n'),
    allowedOrigins: (app.allowedOrigins ?? []).join('\n'),
    scopes: app.scopes,
  };
}

/** What the API expects, for the fields this kind of application has. */
export function bodyOf(values: ApplicationFormValues, type: ApplicationType) {
  if (type === 'm2m') return { name: values.name.trim(), scopes: values.scopes };
  return { name: values.name.trim(), redirectUris: uriLines(values.redirectUris), postLogoutRedirectUris: uriLines(values.postLogoutRedirectUris), allowedOrigins: uriLines(values.allowedOrigins) };
}

export function validate(values: ApplicationFormValues, type: ApplicationType): FieldErrors {
  const errors: FieldErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Enter a name for the application';
  else if (name.length > 100) errors.name = 'An application name has at most 100 characters';
  if (type !== 'm2m') {
    const redirects = uriLines(values.redirectUris);
    if (redirects.length === 0) errors.redirectUris = 'Enter at least one redirect URI: where people return after signing in';
    else errors.redirectUris = redirects.map(uriProblem).find(Boolean);
    errors.postLogoutRedirectUris = uriLines(values.postLogoutRedirectUris).map(uriProblem).find(Boolean);
    errors.allowedOrigins = uriLines(values.allowedOrigins).map(originProblem).find(Boolean);
  }
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message)) as FieldErrors;
}

const FIELDS: FieldName[] = ['name', 'redirectUris', 'postLogoutRedirectUris', 'allowedOrigins', 'scopes'];

/** A server error that belongs to one of these fields, as { field: message }; else undefined. */
export function serverFieldErrors(error: unknown): FieldErrors | undefined {
  const field = errorField(error);
  if (!field || !(FIELDS as string[]).includes(field) || !(error instanceof ApiError)) return undefined;
  return { [field]: fieldErrorMessage(error) };
}

export function ApplicationFields({
  type,
  values,
  errors,
  onChange,
  disabled,
}: {
  type: ApplicationType;
  values: ApplicationFormValues;
  errors: FieldErrors;
  onChange: (values: ApplicationFormValues, changed: FieldName) => void;
  disabled?: boolean;
}) {
  const set = (field: FieldName, value: string | string[]) => onChange({ ...values, [field]: value }, field);
  return (
    <Stack gap="md">
      <TextInput
        label="Name"
        description="Shown to people on the sign-in page."
        value={values.name}
        onChange={(event) => set('name', event.currentTarget.value)}
        error={errors.name}
        required
        maxLength={100}
        disabled={disabled}
      />
      {type === 'm2m' ? (
        <Checkbox.Group
          label="API scopes"
          description="What the application may do with the tokens it gets. Grant only what it needs."
          value={values.scopes}
          onChange={(scopes) => set('scopes', scopes)}
          error={errors.scopes}
        >
          <Stack gap={6} mt="xs">
            {API_SCOPE_LIST.map((scope) => (
              <Checkbox
                key={scope}
                value={scope}
                disabled={disabled}
                label={
                  <Text size="sm" span>
                    {SCOPE_DESCRIPTIONS[scope]}{' '}
                    <Text span size="xs" c="dimmed" ff="monospace">
                      {scope}
                    </Text>
                  </Text>
                }
              />
            ))}
          </Stack>
        </Checkbox.Group>
      ) : (
        <>
          <Textarea
            label="Redirect URIs"
            description="Where people return after signing in, one a line. They must match exactly what the application sends."
            placeholder="https://app.example.com/callback"
            value={values.redirectUris}
            onChange={(event) => set('redirectUris', event.currentTarget.value)}
            error={errors.redirectUris}
            required
            autosize
            minRows={2}
            spellCheck={false}
            disabled={disabled}
          />
          <Textarea
            label="Post-logout redirect URIs"
            description="Optional: where people may be sent after signing out, one a line."
            placeholder="https://app.example.com/"
            value={values.postLogoutRedirectUris}
            onChange={(event) => set('postLogoutRedirectUris', event.currentTarget.value)}
            error={errors.postLogoutRedirectUris}
            autosize
            minRows={1}
            spellCheck={false}
            disabled={disabled}
          />
          <Textarea
            label="Allowed origins"
            description="Optional: other web origins whose pages may call this organization from a browser (token, userinfo, SCIM, API), one a line. The redirect URIs' origins are always allowed."
            placeholder="https://app.example.com"
            value={values.allowedOrigins}
            onChange={(event) => set('allowedOrigins', event.currentTarget.value)}
            error={errors.allowedOrigins}
            autosize
            minRows={1}
            spellCheck={false}
            disabled={disabled}
          />
        </>
      )}
    </Stack>
  );
}
