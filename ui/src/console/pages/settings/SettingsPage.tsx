// The organization's settings: how customers join (self-registration, invitations, temporary
// passwords), the password policy, the mails Tessera sends and where they go.

import { Stack } from '@mantine/core';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { LoadingState, ErrorState } from '../../../components/states.tsx';
import { OnboardingSettingsForm } from './OnboardingSettingsForm.tsx';
import { MailStatusCard } from './MailStatusCard.tsx';
import { EmailTemplatesCard } from './EmailTemplatesCard.tsx';
import { useSettings } from './settings-queries.ts';

export default function SettingsPage() {
  const settings = useSettings();
  return (
    <Stack gap="lg" maw={960}>
      <PageHeader title="Settings" description="How customers join your organization, the password policy, and the mails sent on your behalf." />
      {settings.isPending ? (
        <LoadingState label="Loading settings…" />
      ) : settings.isError ? (
        <ErrorState error={settings.error} title="The settings could not be loaded" />
      ) : (
        <OnboardingSettingsForm settings={settings.data} />
      )}
      <MailStatusCard />
      <EmailTemplatesCard />
    </Stack>
  );
}
