// Step 2 of New User > Customer (shown when the organization has groups): "If required, you can
// assign the user to some groups." Groups are searched on the server; the chosen ones stay
// chosen whatever the search shows.

import { useState } from 'react';
import { Alert, Badge, Checkbox, CloseButton, Group, Loader, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { ErrorState } from '../../../components/states.tsx';
import { useGroupChoices } from './new-user-api.ts';

export interface ChosenGroup {
  id: string;
  name: string;
}

export function GroupsStep({ chosen, onChange, error }: { chosen: ChosenGroup[]; onChange: (groups: ChosenGroup[]) => void; error?: string }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const choices = useGroupChoices(debounced);
  const chosenIds = new Set(chosen.map((group) => group.id));

  const found = choices.data?.Resources ?? [];
  const remove = (group: ChosenGroup) => onChange(chosen.filter((g) => g.id !== group.id));
  // The boxes show only the groups found; a chosen group the search hides stays chosen.
  const select = (ids: string[]) =>
    onChange(ids.map((id) => chosen.find((g) => g.id === id) ?? { id, name: found.find((g) => g.id === id)?.displayName ?? id }));

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        If required, assign the customer to some groups. Groups decide which applications they may use. You can change this later.
      </Text>
      {error && (
        <Alert color="red" role="alert" title="Groups">
          {error}
        </Alert>
      )}
      <TextInput
        label="Search groups"
        placeholder="Group name"
        type="search"
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        rightSection={choices.isFetching ? <Loader size="xs" /> : search ? <CloseButton aria-label="Clear search" onClick={() => setSearch('')} /> : null}
      />
      {choices.isError ? (
        <ErrorState error={choices.error} title="The groups could not be loaded" />
      ) : (
        <Checkbox.Group label="Groups" description={`${chosen.length} selected`} value={[...chosenIds]} onChange={select}>
          <ScrollArea.Autosize mah={320} mt="xs" type="auto">
            <Stack gap="xs" py={4}>
              {found.length === 0 && !choices.isPending && (
                <Text size="sm" c="dimmed">
                  No group has that name.
                </Text>
              )}
              {found.map((group) => (
                <Checkbox key={group.id} value={group.id} label={group.displayName} />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </Checkbox.Group>
      )}
      {chosen.length > 0 && (
        <Group gap={6} aria-label="Selected groups">
          {chosen.map((group) => (
            <Badge
              key={group.id}
              variant="light"
              tt="none"
              rightSection={<CloseButton size="xs" aria-label={`Remove ${group.name}`} onClick={() => remove(group)} />}
            >
              {group.name}
            </Badge>
          ))}
        </Group>
      )}
    </Stack>
  );
}
