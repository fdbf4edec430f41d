// Security: change the password, and see and end sign-in sessions.

import { Stack } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ChangePasswordCard } from '../security/ChangePasswordCard.tsx';
import { SessionsCard } from '../security/SessionsCard.tsx';

export default function SecurityPage() {
  return (
    <>
      <PageHeader title="Security" description="Your password and where you are signed in." />
      <Stack gap="lg">
        <ChangePasswordCard />
        <SessionsCard />
      </Stack>
    </>
  );
}
