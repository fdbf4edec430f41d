// The audit log's filters, applied together when the form is submitted.

import { useState, type FormEvent } from 'react';
import { Autocomplete, Button, Group, Paper, SimpleGrid, TextInput } from '@mantine/core';
import { COMMON_ACTIONS, EMPTY_FILTERS, validateFilters, type FilterForm } from './audit-filters.ts';

export function AuditFiltersForm({ applied, onApply, serverErrors }: { applied: FilterForm; onApply: (filters: FilterForm) => void; serverErrors: Partial<Record<keyof FilterForm, string>> }) {
  const [form, setForm] = useState<FilterForm>(applied);
  const [errors, setErrors] = useState<Partial<Record<keyof FilterForm, string>>>({});
  const set = (field: keyof FilterForm, value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };
  const shown = { ...serverErrors, ...errors };

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validateFilters(form);
    setErrors(problems);
    if (Object.keys(problems).length === 0) onApply(form);
  }

  return (
    <Paper withBorder p="md" mb="md">
      <form onSubmit={submit} aria-label="Filter audit events">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
          <Autocomplete
            label="Action"
            description="Exact, or ending in * for all that start so"
            placeholder="user.*"
            data={COMMON_ACTIONS}
            value={form.action}
            onChange={(value) => set('action', value)}
            error={shown.action}
          />
          <TextInput label="Actor id" description="Who made the change" value={form.actorId} onChange={(e) => set('actorId', e.currentTarget.value)} error={shown.actorId} />
          <TextInput label="Target id" description="What was changed" value={form.targetId} onChange={(e) => set('targetId', e.currentTarget.value)} error={shown.targetId} />
          <TextInput label="From" type="date" value={form.fromDate} onChange={(e) => set('fromDate', e.currentTarget.value)} error={shown.fromDate} />
          <TextInput label="Until (including that day)" type="date" value={form.untilDate} onChange={(e) => set('untilDate', e.currentTarget.value)} error={shown.untilDate} />
        </SimpleGrid>
        <Group mt="md" gap="sm">
          <Button type="submit">Apply filters</Button>
          <Button
            variant="default"
            onClick={() => {
              setForm(EMPTY_FILTERS);
              setErrors({});
              onApply(EMPTY_FILTERS);
            }}
          >
            Clear filters
          </Button>
        </Group>
      </form>
    </Paper>
  );
}
