// The guide's "Go to Groups and assign groups": the user's groups, a searchable picker of the
// organization's groups to assign more, and a way to take the user out of one.

import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Group, MultiSelect, Stack, Table, Text, VisuallyHidden, type ComboboxItem } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../../../../api/http.ts';
import type { ScimUser } from '../../../../api/scim.ts';
import { EmptyState } from '../../../../components/states.tsx';
import { fullName } from './format.ts';
import { useGroupSearch, useMembership } from './queries.ts';

export function GroupsTab({ user }: { user: ScimUser }) {
  const current = user.groups ?? [];
  const { assign, remove } = useMembership(user.id);
  const [removing, setRemoving] = useState<string>();
  const name = fullName(user);

  const removeFrom = (groupId: string, display: string) => {
    setRemoving(groupId);
    remove.mutate(groupId, {
      onSuccess: () => notifications.show({ color: 'green', message: `${name} was removed from ${display}` }),
      onSettled: () => setRemoving(undefined),
    });
  };

  return (
    <Stack gap="lg" maw={720}>
      <AssignGroups user={user} assign={assign} />
      <Stack gap="xs">
        <Text fw={600} size="lg" component="h2" m={0} id="current-groups">
          Groups of this user
        </Text>
        {remove.error && (
          <Alert color="red" role="alert" title="The user was not removed from the group">
            {errorMessage(remove.error)}
          </Alert>
        )}
        {current.length === 0 ? (
          <EmptyState title="Not in any group">Assign groups above to give this user the access those groups have.</EmptyState>
        ) : (
          <Table aria-labelledby="current-groups" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Group</Table.Th>
                <Table.Th w={120}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {[...current]
                .sort((a, b) => (a.display ?? '').localeCompare(b.display ?? ''))
                .map((group) => {
                  const display = group.display ?? group.value;
                  return (
                    <Table.Tr key={group.value}>
                      <Table.Td>
                        <Anchor component={Link} to={`/groups/${encodeURIComponent(group.value)}`}>
                          {display}
                        </Anchor>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Remove from ${display}`}
                          loading={removing === group.value}
                          disabled={removing !== undefined && removing !== group.value}
                          onClick={() => removeFrom(group.value, display)}
                        >
                          Remove
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Stack>
  );
}

function AssignGroups({ user, assign }: { user: ScimUser; assign: ReturnType<typeof useMembership>['assign'] }) {
  const [selected, setSelected] = useState<string[]>([]);
  // Names of what was picked, so the pills keep their labels while the search shows other groups.
  const [picked, setPicked] = useState<Map<string, string>>(new Map());
  const [search, setSearch] = useState('');
  const [opened, setOpened] = useState(false);
  const [debounced] = useDebouncedValue(search, 250);
  const [error, setError] = useState<string>();
  const results = useGroupSearch(debounced, opened || debounced !== '');
  const memberOf = new Set((user.groups ?? []).map((g) => g.value));

  const options: ComboboxItem[] = (results.data?.Resources ?? []).filter((g) => !memberOf.has(g.id)).map((g) => ({ value: g.id, label: g.displayName }));
  for (const id of selected) {
    if (!options.some((option) => option.value === id)) options.push({ value: id, label: picked.get(id) ?? id });
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (selected.length === 0) {
      setError('Pick at least one group to assign');
      return;
    }
    const names = selected.map((id) => picked.get(id) ?? id);
    assign.mutate(selected, {
      onSuccess: () => {
        notifications.show({ color: 'green', message: `Assigned ${names.join(', ')}` });
        setSelected([]);
        setPicked(new Map());
      },
    });
  };

  const nothingFound = results.isFetching
    ? 'Searching…'
    : results.isError
      ? errorMessage(results.error)
      : debounced.trim()
        ? `No group named like “${debounced.trim()}” that this user is not already in`
        : 'No other groups in this organization';

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Text fw={600} size="lg" component="h2" m={0}>
          Assign groups
        </Text>
        <Text size="sm" c="dimmed">
          Based on the assigned groups, you can restrict this user’s access to applications.
        </Text>
        <MultiSelect
          label="Groups to assign"
          placeholder={selected.length ? undefined : 'Search groups by name'}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          data={options}
          value={selected}
          onChange={(value) => {
            const names = new Map(picked);
            for (const id of value) {
              const option = options.find((o) => o.value === id);
              if (option) names.set(id, option.label);
            }
            setPicked(names);
            setSelected(value);
            setError(undefined);
          }}
          // The server already filtered by name; filtering again here would hide nothing new.
          filter={({ options: all }) => all}
          nothingFoundMessage={nothingFound}
          onDropdownOpen={() => setOpened(true)}
          hidePickedOptions
          clearable
          error={error ?? (assign.error ? errorMessage(assign.error) : undefined)}
          maxDropdownHeight={260}
        />
        <Group>
          <Button type="submit" loading={assign.isPending}>
            Assign groups
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
