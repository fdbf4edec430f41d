// My Account's home: the customer's details (editable names, read-only email) and their groups.

import { useQuery } from '@tanstack/react-query';
import { Stack } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import { myAccountKeys, myProfile } from '../../api/my-account.ts';
import { config } from '../../config.ts';
import { ProfileForm } from '../profile/ProfileForm.tsx';
import { GroupsCard } from '../profile/GroupsCard.tsx';

export default function ProfilePage() {
  const profile = useQuery({ queryKey: myAccountKeys.profile, queryFn: myProfile.get });
  return (
    <>
      <PageHeader title="Profile" description={`Your account at ${config.orgName}.`} />
      {profile.isPending ? (
        <LoadingState label="Loading your profile…" />
      ) : profile.isError ? (
        <ErrorState error={profile.error} title="Your profile could not be loaded" />
      ) : (
        <Stack gap="lg">
          {/* Keyed by version, so a saved profile starts the form from what the server kept. */}
          <ProfileForm key={profile.data.meta.version} user={profile.data} />
          <GroupsCard user={profile.data} />
        </Stack>
      )}
    </>
  );
}
