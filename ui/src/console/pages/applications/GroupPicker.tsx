// Choosing groups by name: a search over the organization's groups (ten at a time, asked
// 300 ms after typing stops). The names of groups already chosen are read once by id, since a
// later search need not return them.

import { useState } from 'react';
import { MultiSelect } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { groups, scimString } from '../../../api/scim.ts';

const RESULTS = 10;

export function GroupPicker({
  value,
  onChange,
  error,
  label,
  description,
}: {
  value: string[];
  onChange: (ids: string[]) => void;
  error?: string;
  label: string;
  description?: string;
}) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [names, setNames] = useState<Record<string, string>>({});
  // Closed once a group is picked, so that the list does not cover the buttons below it.
  const [listOpen, setListOpen] = useState(false);

  const chosen = useQuery({
    queryKey: ['groups', 'by-id', value],
    queryFn: () =>
      groups.list({ filter: value.map((id) => `id eq ${scimString(id)}`).join(' or '), count: value.length, excludedAttributes: 'members' }),
    enabled: value.some((id) => !(id in names)),
  });
  const found = useQuery({
    queryKey: ['groups', 'search', debounced],
    queryFn: () =>
      groups.list({
        filter: debounced ? `displayName co ${scimString(debounced)}` : undefined,
        sortBy: 'displayName',
        count: RESULTS,
        excludedAttributes: 'members',
      }),
    placeholderData: keepPreviousData,
  });

  const known: Record<string, string> = { ...names };
  for (const group of [...(chosen.data?.Resources ?? []), ...(found.data?.Resources ?? [])]) known[group.id] = group.displayName;
  const data = [
    ...(found.data?.Resources ?? []).map((group) => ({ value: group.id, label: group.displayName })),
    ...value.filter((id) => !found.data?.Resources.some((g) => g.id === id)).map((id) => ({ value: id, label: known[id] ?? (chosen.isPending ? 'Loading…' : 'A deleted group') })),
  ];

  return (
    <MultiSelect
      label={label}
      description={description}
      placeholder={value.length ? undefined : 'Search groups by name'}
      data={data}
      value={value}
      onChange={(ids) => {
        setNames(Object.fromEntries(ids.filter((id) => known[id]).map((id) => [id, known[id]])));
        onChange(ids);
        setListOpen(false);
      }}
      searchable
      searchValue={search}
      onSearchChange={(text) => {
        setSearch(text);
        if (text) setListOpen(true);
      }}
      dropdownOpened={listOpen}
      onDropdownOpen={() => setListOpen(true)}
      onDropdownClose={() => setListOpen(false)}
      // The server has already filtered: show what it found, in its order.
      filter={({ options }) => options}
      nothingFoundMessage={found.isFetching ? 'Searching…' : found.isError ? errorMessage(found.error) : 'No group matches'}
      hidePickedOptions
      error={error}
    />
  );
}
