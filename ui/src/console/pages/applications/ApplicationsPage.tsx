// The organization's applications: the built-in Console and My Account, which Tessera
// manages, and those registered here. Each row gives the client id to copy and who may sign in.

import { Link } from 'react-router';
import { Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../../components/states.tsx';
import { useApplicationList } from './application-queries.ts';
import { accessSummary, TYPE_LABELS } from './application-kinds.ts';
import { CopyValue } from './CopyValue.tsx';
import { RegisterApplicationModal } from './RegisterApplicationModal.tsx';

export default function ApplicationsPage() {
  const list = useApplicationList();
  const [registering, { open, close }] = useDisclosure(false);
  // Built-in applications first, then the rest by name.
  const sorted = [...(list.data ?? [])].sort((a, b) => Number(!!b.builtIn) - Number(!!a.builtIn) || a.name.localeCompare(b.name));
  const registered = sorted.filter((app) => !app.builtIn).length;

  return (
    <>
      <PageHeader
        title="Applications"
        description="The applications your customers sign in to, and the services that call Tessera's APIs."
        actions={<Button onClick={open}>Register application</Button>}
      />
      {list.isPending ? (
        <LoadingState label="Loading applications…" />
      ) : list.isError ? (
        <ErrorState error={list.error} title="The applications could not be loaded" />
      ) : (
        <Stack gap="md">
          <Table.ScrollContainer minWidth={340}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label="Applications">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Client ID</Table.Th>
                  <Table.Th visibleFrom="md">Who may sign in</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sorted.map((app) => (
                  <Table.Tr key={app.id}>
                    <Table.Td>
                      <Stack gap={2}>
                        <Group gap="xs" wrap="wrap">
                          <Anchor component={Link} to={`/applications/${app.id}`} fw={500}>
                            {app.name}
                          </Anchor>
                          {app.builtIn && (
                            <Badge variant="light" color="gray" size="sm">
                              Built-in
                            </Badge>
                          )}
                        </Group>
                        <Text size="xs" c="dimmed">
                          {app.builtIn ? 'Managed by Tessera' : TYPE_LABELS[app.type]}
                        </Text>
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <CopyValue value={app.clientId} what={`client ID of ${app.name}`} />
                    </Table.Td>
                    <Table.Td visibleFrom="md">
                      <Text size="sm">{accessSummary(app)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {registered === 0 && (
            <EmptyState title="No applications registered yet">
              Register your website, single-page app or service to let your customers sign in to it through this organization's sign-in page.
            </EmptyState>
          )}
        </Stack>
      )}
      <RegisterApplicationModal opened={registering} onClose={close} />
    </>
  );
}
