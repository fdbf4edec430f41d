// One application: its client id and secret, its settings, who may sign in to it, and
// deleting it. The built-in Console and My Account are shown but not editable: the server
// fixes their names, URIs and access, and refuses to delete them.

import { Link, useParams } from 'react-router';
import { Alert, Anchor, Badge, Stack } from '@mantine/core';
import { ApiError } from '../../../api/http.ts';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ErrorState, LoadingState } from '../../../components/states.tsx';
import { useApplication } from './application-queries.ts';
import { TYPE_LABELS } from './application-kinds.ts';
import { ClientCard } from './ClientCard.tsx';
import { SettingsCard } from './SettingsCard.tsx';
import { AccessCard } from './AccessCard.tsx';
import { DeleteApplicationCard } from './DeleteApplicationCard.tsx';

export default function ApplicationPage() {
  const { id = '' } = useParams();
  const query = useApplication(id);
  const back = (
    <Anchor component={Link} to="/applications" size="sm">
      ← All applications
    </Anchor>
  );
  if (query.isPending) return <LoadingState label="Loading the application…" />;
  if (query.isError) {
    const gone = query.error instanceof ApiError && query.error.status === 404;
    return (
      <Stack>
        {back}
        <ErrorState error={query.error} title={gone ? 'This application does not exist. It may have been deleted.' : 'The application could not be loaded'} />
      </Stack>
    );
  }
  const app = query.data;
  return (
    <Stack gap="lg" maw={860}>
      {back}
      <PageHeader
        title={app.name}
        description={app.builtIn ? 'Built into Tessera' : TYPE_LABELS[app.type]}
        actions={app.builtIn ? <Badge variant="light" color="gray">Built-in</Badge> : undefined}
      />
      {app.builtIn && (
        <Alert color="blue" title="Managed by Tessera">
          {app.builtIn === 'console'
            ? 'The Console is where owners and administrators manage this organization.'
            : 'My Account is where your customers manage their own profile, password and sessions.'}{' '}
          Its name, redirect URIs and access rules follow the organization's address and cannot be changed, and it cannot be deleted.
        </Alert>
      )}
      <ClientCard app={app} />
      {!app.builtIn && <SettingsCard key={`settings-${app.updatedAt}`} app={app} />}
      <AccessCard key={`access-${app.updatedAt}`} app={app} />
      {!app.builtIn && <DeleteApplicationCard app={app} />}
    </Stack>
  );
}
