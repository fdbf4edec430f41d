// The organization's groups: search by name, open one, create a new one. Member counts are
// not shown here: SCIM has no count of members short of loading them or counting per group,
// which a big organization should not pay for a list; each group's page shows its count.

import { useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, Group, Pagination, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../../components/states.tsx';
import { GROUPS_PER_PAGE, useGroupList } from './group-queries.ts';
import { CreateGroupModal } from './CreateGroupModal.tsx';
import { paginationControlLabels } from './pagination.ts';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export default function GroupsPage() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [page, setPage] = useState(1);
  const [creating, { open, close }] = useDisclosure(false);
  const list = useGroupList(debounced, page);
  const pages = list.data ? Math.max(1, Math.ceil(list.data.totalResults / GROUPS_PER_PAGE)) : 1;

  return (
    <>
      <PageHeader
        title="Groups"
        description="Put users in groups to decide which applications they may sign in to."
        actions={<Button onClick={open}>New group</Button>}
      />
      <Stack gap="md">
        <TextInput
          label="Search groups"
          placeholder="Group name"
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setPage(1);
          }}
          maw={420}
        />
        {list.isPending ? (
          <LoadingState label="Loading groups…" />
        ) : list.isError ? (
          <ErrorState error={list.error} title="The groups could not be loaded" />
        ) : list.data.Resources.length === 0 ? (
          debounced.trim() ? (
            <EmptyState title="No group matches">No group's name contains “{debounced.trim()}”.</EmptyState>
          ) : (
            <EmptyState title="No groups yet">Create a group, add users to it, and restrict applications to its members.</EmptyState>
          )
        ) : (
          <>
            <Text size="sm" c="dimmed" aria-live="polite">
              {list.data.totalResults === 1 ? '1 group' : `${list.data.totalResults} groups`}
            </Text>
            <Table striped highlightOnHover aria-label="Groups">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Created</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.Resources.map((group) => (
                  <Table.Tr key={group.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/groups/${group.id}`} fw={500} style={{ wordBreak: 'break-word' }}>
                        {group.displayName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {dateFormat.format(new Date(group.meta.created))}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {pages > 1 && (
              <Group justify="center">
                <Pagination total={pages} value={page} onChange={setPage} getControlProps={paginationControlLabels} aria-label="Pages of groups" />
              </Group>
            )}
          </>
        )}
      </Stack>
      <CreateGroupModal opened={creating} onClose={close} />
    </>
  );
}
