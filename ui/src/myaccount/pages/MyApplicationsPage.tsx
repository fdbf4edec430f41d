// The applications the customer may sign in to: those their groups allow (the server decides,
// as the sign-in page does), each with a link to open it when its address is known.

import { useQuery } from '@tanstack/react-query';
import { Button, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';
import { myAccountKeys, myApplications, type MyApplication } from '../../api/my-account.ts';
import { config } from '../../config.ts';

function ApplicationCard({ application }: { application: MyApplication }) {
  return (
    <Card withBorder padding="lg" component="li">
      <Stack gap="sm" h="100%" justify="space-between">
        <Stack gap={4}>
          <Title order={2} size="h4">
            {application.name}
          </Title>
          {application.description && (
            <Text size="sm" c="dimmed">
              {application.description}
            </Text>
          )}
        </Stack>
        {application.url ? (
          <div>
            <Button component="a" href={application.url} target="_blank" rel="noopener noreferrer" variant="light" aria-label={`Open ${application.name} (opens in a new tab)`}>
              Open
            </Button>
          </div>
        ) : (
          <Text size="sm" c="dimmed">
            Open it from where you usually do; it asks you to sign in with your {config.orgName} account.
          </Text>
        )}
      </Stack>
    </Card>
  );
}

export default function MyApplicationsPage() {
  const applications = useQuery({ queryKey: myAccountKeys.applications, queryFn: myApplications.list });
  return (
    <>
      <PageHeader title="Applications" description={`The ${config.orgName} applications you may sign in to with this account.`} />
      {applications.isPending ? (
        <LoadingState label="Loading your applications…" />
      ) : applications.isError ? (
        <ErrorState error={applications.error} title="Your applications could not be loaded" />
      ) : applications.data.length === 0 ? (
        <EmptyState title="No applications yet">When {config.orgName} gives you access to an application, it appears here.</EmptyState>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" component="ul" aria-label="Your applications" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {applications.data.map((application) => (
            <ApplicationCard key={application.id} application={application} />
          ))}
        </SimpleGrid>
      )}
    </>
  );
}
