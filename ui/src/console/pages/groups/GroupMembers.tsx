// A group's members, twenty a page, with their names and emails: read as the users whose
// groups include this one, so the database pages and sorts them and a big group never arrives
// whole. Removing one sends a single PATCH `remove` with path members[value eq "<id>"].

import { useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, Card, Group, Pagination, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { groups, scimString, type ScimUser } from '../../../api/scim.ts';
import { EmptyState, ErrorState, LoadingState } from '../../../components/states.tsx';
import { groupKeys, MEMBERS_PER_PAGE, personEmail, useGroupMembers } from './group-queries.ts';
import { personName } from '../users/user-state.ts';
import { paginationControlLabels } from './pagination.ts';

export function GroupMembers({ groupId, groupName }: { groupId: string; groupName: string }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const members = useGroupMembers(groupId, debounced, page);
  const queryClient = useQueryClient();

  const remove = useMutation({
    mutationFn: (user: ScimUser) => groups.patch(groupId, [{ op: 'remove', path: `members[value eq ${scimString(user.id)}]` }]),
    onSuccess: async (_group, user) => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: groupKeys.all }), queryClient.invalidateQueries({ queryKey: ['users'] })]);
      notifications.show({ color: 'green', message: `${personEmail(user)} removed from ${groupName}` });
    },
    onError: (error, user) => notifications.show({ color: 'red', title: `${personEmail(user)} could not be removed`, message: errorMessage(error) }),
  });

  const total = members.data?.totalResults ?? 0;
  const pages = Math.max(1, Math.ceil(total / MEMBERS_PER_PAGE));
  // A removal may empty the last page: step back to one that has rows.
  if (members.data && page > pages) setPage(pages);

  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Title order={2} size="h4">
            Members
          </Title>
          {members.data && (
            <Text size="sm" c="dimmed" aria-live="polite">
              {debounced ? `${total} matching` : total === 1 ? '1 member' : `${total} members`}
            </Text>
          )}
        </Group>
        <TextInput
          label="Search members"
          placeholder="Name or email"
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setPage(1);
          }}
          maw={420}
        />
        {members.isPending ? (
          <LoadingState label="Loading members…" />
        ) : members.isError ? (
          <ErrorState error={members.error} title="The members could not be loaded" />
        ) : members.data.Resources.length === 0 ? (
          debounced ? (
            <EmptyState title="No member matches">No member's email or name contains “{debounced}”.</EmptyState>
          ) : (
            <EmptyState title="No members yet">Find users above and add them to this group.</EmptyState>
          )
        ) : (
          <>
            <Table.ScrollContainer minWidth={340}>
              <Table striped aria-label={`Members of ${groupName}`}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {members.data.Resources.map((user) => (
                    <Table.Tr key={user.id}>
                      <Table.Td>
                        <Text size="sm" c={personName(user) ? undefined : 'dimmed'}>
                          {personName(user) || 'No name'}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ wordBreak: 'break-all' }}>
                        <Anchor component={Link} to={`/users/${user.id}`} size="sm">
                          {personEmail(user)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Remove ${personEmail(user)} from ${groupName}`}
                          loading={remove.isPending && remove.variables?.id === user.id}
                          onClick={() => remove.mutate(user)}
                        >
                          Remove
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {pages > 1 && (
              <Group justify="center">
                <Pagination total={pages} value={page} onChange={setPage} getControlProps={paginationControlLabels} aria-label="Pages of members" />
              </Group>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}
