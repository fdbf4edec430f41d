// Edit user (/users/:id), reached from the Users list's Edit: the profile, the user's groups, the
// invitation of an invited user, sign-in (password reset, sessions), locking, and deleting; a
// lockout by failed sign-ins is shown above the tabs, with its clearing. The open tab is in the address
// (?tab=groups) so that it survives a reload and can be linked to.

import { Link, useParams, useSearchParams } from 'react-router';
import { Anchor, Button, Group, Stack, Tabs, Text } from '@mantine/core';
import { ApiError } from '../../../api/http.ts';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../../components/states.tsx';
import { accountState, fullName, StateBadge } from './edit/format.ts';
import { useUser } from './edit/queries.ts';
import { ProfileTab } from './edit/ProfileTab.tsx';
import { GroupsTab } from './edit/GroupsTab.tsx';
import { InvitationTab } from './edit/InvitationTab.tsx';
import { LockTab } from './edit/LockTab.tsx';
import { SignInTab } from './edit/SignInTab.tsx';
import { SignInLockoutAlert } from './edit/SignInLockoutAlert.tsx';
import { DangerZoneTab } from './edit/DangerZoneTab.tsx';

const TABS = ['profile', 'groups', 'invitation', 'sign-in', 'lock', 'danger'] as const;
type Tab = (typeof TABS)[number];

function BackToUsers() {
  return (
    <Anchor component={Link} to="/users" size="sm">
      ← Users
    </Anchor>
  );
}

export default function EditUserPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const user = useUser(id);

  if (user.isPending) return <LoadingState label="Loading the user…" />;
  if (user.isError) {
    if (user.error instanceof ApiError && user.error.status === 404) {
      return (
        <Stack gap="md">
          <BackToUsers />
          <EmptyState title="This user no longer exists">
            Someone may have deleted the account.{' '}
            <Anchor component={Link} to="/users">
              Back to Users
            </Anchor>
          </EmptyState>
        </Stack>
      );
    }
    return (
      <Stack gap="md">
        <BackToUsers />
        <ErrorState error={user.error} title="The user could not be loaded" />
        <Group>
          <Button variant="default" onClick={() => void user.refetch()} loading={user.isFetching}>
            Try again
          </Button>
        </Group>
      </Stack>
    );
  }

  const data = user.data;
  const pending = accountState(data) === 'PENDING';
  const asked = params.get('tab') as Tab | null;
  // The Invitation tab is there for an invited user only (or while it is open, say just after acceptance).
  const tabs = TABS.filter((tab) => tab !== 'invitation' || pending || asked === 'invitation');
  const tab: Tab = asked && tabs.includes(asked) ? asked : 'profile';
  const select = (value: string | null) => {
    const next = new URLSearchParams(params);
    if (!value || value === 'profile') next.delete('tab');
    else next.set('tab', value);
    setParams(next, { replace: true });
  };

  return (
    <Stack gap={0}>
      <BackToUsers />
      <PageHeader title={fullName(data)} description={data.userName} actions={<StateBadge user={data} />} />
      <SignInLockoutAlert user={data} />
      <Tabs value={tab} onChange={select} keepMounted={false}>
        <Tabs.List mb="lg" aria-label="User settings">
          <Tabs.Tab value="profile">Profile</Tabs.Tab>
          <Tabs.Tab value="groups">Groups</Tabs.Tab>
          {tabs.includes('invitation') && <Tabs.Tab value="invitation">Invitation</Tabs.Tab>}
          <Tabs.Tab value="sign-in">Sign-in</Tabs.Tab>
          <Tabs.Tab value="lock">Lock</Tabs.Tab>
          <Tabs.Tab value="danger" color="red">
            Danger zone
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="profile">
          <ProfileTab user={data} />
        </Tabs.Panel>
        <Tabs.Panel value="groups">
          <GroupsTab user={data} />
        </Tabs.Panel>
        {tabs.includes('invitation') && (
          <Tabs.Panel value="invitation">
            <InvitationTab user={data} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="sign-in">
          <SignInTab user={data} />
        </Tabs.Panel>
        <Tabs.Panel value="lock">
          <LockTab user={data} />
        </Tabs.Panel>
        <Tabs.Panel value="danger">
          <DangerZoneTab user={data} />
        </Tabs.Panel>
      </Tabs>
      {user.isRefetchError && (
        <Text size="sm" c="red" mt="md" role="status">
          The latest version of this user could not be loaded; what you see may be out of date.
        </Text>
      )}
    </Stack>
  );
}
