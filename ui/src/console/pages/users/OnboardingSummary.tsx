// After Finish: what was done, and what happens next. For an invitation, the link the mail
// carries can be copied too (to pass on by hand if the mail is slow or filtered).

import type { RefObject } from 'react';
import { Link } from 'react-router';
import { Alert, Button, CopyButton, Group, List, Stack, TextInput, Title } from '@mantine/core';
import type { OnboardingResult } from './new-user-api.ts';
import type { ChosenGroup } from './GroupsStep.tsx';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatWhen(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export interface OnboardingSummaryProps {
  result: OnboardingResult;
  email: string;
  name: string;
  groups: ChosenGroup[];
  mustChange: boolean;
  onAnother: () => void;
  headingRef: RefObject<HTMLHeadingElement | null>;
}

export function OnboardingSummary({ result, email, name, groups, mustChange, onAnother, headingRef }: OnboardingSummaryProps) {
  const userId = result.kind === 'invited' ? result.invitation.userId : result.user.id;
  const who = name ? `${name} (${email})` : email;
  return (
    <Stack gap="md">
      <Title order={2} size="h3" ref={headingRef} tabIndex={-1}>
        {result.kind === 'invited' ? 'Invitation sent' : 'Customer created'}
      </Title>
      <Alert color="green" variant="light" role="status">
        {result.kind === 'invited'
          ? `${who} is invited. An email with a confirmation link is on its way; the customer uses it to set a password and confirm the account.`
          : `${who} can now sign in with the temporary password you set.${mustChange ? ' They must change it the first time they sign in.' : ''}`}
      </Alert>
      <List size="sm" spacing={4}>
        <List.Item>
          Groups: {groups.length ? groups.map((group) => group.name).join(', ') : 'none'}
        </List.Item>
        {result.kind === 'invited' && <List.Item>The invitation link works until {formatWhen(result.invitation.expiresAt)}.</List.Item>}
      </List>
      {result.kind === 'invited' && result.invitation.link && (
        <Stack gap={6}>
          <Group align="flex-end" gap="xs" wrap="nowrap">
            <TextInput
              label="Invitation link"
              description="The same link as in the email. Share it only with the customer: whoever opens it can set the password."
              value={result.invitation.link}
              readOnly
              onFocus={(event) => event.currentTarget.select()}
              style={{ flex: 1, minWidth: 0 }}
            />
            <CopyButton value={result.invitation.link}>
              {({ copied, copy }) => (
                <Button variant={copied ? 'light' : 'default'} color={copied ? 'green' : undefined} onClick={copy} style={{ flexShrink: 0 }}>
                  {copied ? 'Copied' : 'Copy link'}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Stack>
      )}
      <Group gap="sm">
        <Button component={Link} to={`/users/${encodeURIComponent(userId)}`} variant="default">
          View the customer
        </Button>
        <Button variant="default" onClick={onAnother}>
          Add another customer
        </Button>
        <Button component={Link} to="/users">
          Back to Users
        </Button>
      </Group>
    </Stack>
  );
}
