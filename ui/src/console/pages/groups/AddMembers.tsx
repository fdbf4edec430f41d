// Adding members: a search over the organization's users (user name or given or family name
// contains the text; ten at a time, asked 300 ms after typing stops), several may be picked,
// then one PATCH `add` of just those members.

import { useState } from 'react';
import { Alert, Button, Card, Group, MultiSelect, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { groups, users, type ScimUser } from '../../../api/scim.ts';
import { groupKeys, personEmail, userSearchFilter } from './group-queries.ts';
import { personName } from '../users/user-state.ts';

const SEARCH_RESULTS = 10;

function optionLabel(user: ScimUser): string {
  const name = personName(user);
  const email = personEmail(user);
  return name ? `${name} (${email})` : email;
}

export function AddMembers({ groupId, groupName }: { groupId: string; groupName: string }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [picked, setPicked] = useState<string[]>([]);
  // The list opens while there is text to search for and closes once a user is picked, so that
  // it never covers the Add button (on a phone the button sits right below the field).
  const [listOpen, setListOpen] = useState(false);
  // Labels of picked users, kept because a later search no longer returns them.
  const [labels, setLabels] = useState<Record<string, string>>({});
  const queryClient = useQueryClient();

  const found = useQuery({
    queryKey: ['users', 'search', debounced],
    queryFn: () => users.list({ filter: userSearchFilter(debounced), sortBy: 'userName', count: SEARCH_RESULTS, attributes: 'userName,name,displayName,emails,groups' }),
    enabled: debounced.length > 0,
    placeholderData: keepPreviousData,
  });

  const results = debounced ? (found.data?.Resources ?? []) : [];
  const data = [
    ...results.map((user) => {
      const member = user.groups?.some((g) => g.value === groupId) ?? false;
      return { value: user.id, label: member ? `${optionLabel(user)}, already a member` : optionLabel(user), disabled: member };
    }),
    ...picked.filter((id) => !results.some((u) => u.id === id)).map((id) => ({ value: id, label: labels[id] ?? id })),
  ];

  const add = useMutation({
    mutationFn: (ids: string[]) => groups.patch(groupId, [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }]),
    onSuccess: async (_group, ids) => {
      setPicked([]);
      setLabels({});
      setSearch('');
      await Promise.all([queryClient.invalidateQueries({ queryKey: groupKeys.all }), queryClient.invalidateQueries({ queryKey: ['users'] })]);
      notifications.show({ color: 'green', message: ids.length === 1 ? `1 member added to ${groupName}` : `${ids.length} members added to ${groupName}` });
    },
  });

  function pick(ids: string[]) {
    const next = { ...labels };
    for (const user of results) if (ids.includes(user.id)) next[user.id] = optionLabel(user);
    setLabels(next);
    setPicked(ids);
    setListOpen(false);
    add.reset();
  }

  const searching = search.trim() !== debounced || (debounced.length > 0 && found.isFetching);
  const nothingFound = searching ? 'Searching…' : !debounced ? 'Type part of a name or email address' : found.isError ? errorMessage(found.error) : 'No user matches';
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Add members
        </Title>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (picked.length > 0) add.mutate(picked);
          }}
        >
          <Group align="flex-end" gap="sm" wrap="wrap">
            <MultiSelect
              label="Find users"
              description="Search by email address, first name or last name."
              placeholder={picked.length ? undefined : 'Name or email'}
              data={data}
              value={picked}
              onChange={pick}
              searchable
              searchValue={search}
              onSearchChange={(text) => {
                setSearch(text);
                setListOpen(text.trim().length > 0);
              }}
              dropdownOpened={listOpen && search.trim().length > 0}
              onDropdownOpen={() => setListOpen(true)}
              onDropdownClose={() => setListOpen(false)}
              // The server has already filtered: show what it found, in its order.
              filter={({ options }) => options}
              nothingFoundMessage={nothingFound}
              hidePickedOptions
              style={{ flex: '1 1 280px' }}
              maw={560}
            />
            <Button type="submit" disabled={picked.length === 0} loading={add.isPending}>
              {picked.length > 1 ? `Add ${picked.length} members` : 'Add member'}
            </Button>
          </Group>
        </form>
        {add.isError && (
          <Alert color="red" role="alert">
            {errorMessage(add.error)}
          </Alert>
        )}
        {found.data && debounced && found.data.totalResults > SEARCH_RESULTS && (
          <Text size="xs" c="dimmed">
            Showing the first {SEARCH_RESULTS} of {found.data.totalResults} matching users; type more to narrow the search.
          </Text>
        )}
      </Stack>
    </Card>
  );
}
