// The Users list's search, state and group filters and sort order: labelled fields that wrap
// onto several lines on a phone.

import { useState } from 'react';
import { Box, CloseButton, Grid, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { STATE_ORDER, USER_STATES, isUserState, type UserState } from './user-state.ts';
import { SORTS, isSortKey, useGroupOptions, type SortKey } from './users-query.ts';

export interface UsersFiltersProps {
  searchText: string;
  onSearchText: (text: string) => void;
  state: UserState | null;
  onState: (state: UserState | null) => void;
  groupId: string | null;
  onGroup: (groupId: string | null) => void;
  sort: SortKey;
  onSort: (sort: SortKey) => void;
}

const STATE_OPTIONS = STATE_ORDER.map((state) => ({ value: state, label: USER_STATES[state].label }));
const SORT_OPTIONS = Object.entries(SORTS).map(([value, sort]) => ({ value, label: sort.label }));

function GroupFilter({ groupId, onGroup }: Pick<UsersFiltersProps, 'groupId' | 'onGroup'>) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  // The chosen group's name is remembered, so that it still shows when a search leaves it out.
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const options = useGroupOptions(debounced);
  const data = (options.data?.Resources ?? []).map((group) => ({ value: group.id, label: group.displayName }));
  if (groupId && !data.some((option) => option.value === groupId)) {
    data.unshift(chosen?.value === groupId ? chosen : { value: groupId, label: 'Selected group' });
  }
  return (
    <Select
      label="Group"
      placeholder="All groups"
      data={data}
      value={groupId}
      onChange={(value, option) => {
        setChosen(option ?? null);
        setSearch('');
        onGroup(value);
      }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // The server already filtered by name.
      filter={({ options: all }) => all}
      clearable
      nothingFoundMessage={options.isFetching ? 'Searching…' : 'No group has that name'}
    />
  );
}

export function UsersFilters(props: UsersFiltersProps) {
  return (
    <Box role="search" aria-label="Find customers">
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <TextInput
            label="Search"
            placeholder="Email, first or last name"
            value={props.searchText}
            onChange={(event) => props.onSearchText(event.currentTarget.value)}
            type="search"
            rightSection={props.searchText ? <CloseButton aria-label="Clear search" onClick={() => props.onSearchText('')} /> : null}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 3 }}>
          <Select
            label="State"
            placeholder="All states"
            data={STATE_OPTIONS}
            value={props.state}
            onChange={(value) => props.onState(isUserState(value) ? value : null)}
            clearable
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 3 }}>
          <GroupFilter groupId={props.groupId} onGroup={props.onGroup} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Select
            label="Sort by"
            data={SORT_OPTIONS}
            value={props.sort}
            onChange={(value) => props.onSort(isSortKey(value) ? value : 'newest')}
            allowDeselect={false}
          />
        </Grid.Col>
      </Grid>
    </Box>
  );
}
