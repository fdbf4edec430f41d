// The organization's audit log: every change and sign-in, newest first, filtered by action,
// actor, target and days, fetched page by page ("Load more") with the API's cursor.

import { useState } from 'react';
import { Button, Center, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { ApiError } from '../../../api/http.ts';
import { auditApi } from '../../../api/audit.ts';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ExportMenu } from '../../../components/ExportMenu.tsx';
import { exportsApi } from '../../../api/exports.ts';
import { EmptyState, ErrorState, LoadingState } from '../../../components/states.tsx';
import { AuditFiltersForm } from './AuditFiltersForm.tsx';
import { AuditEventRow } from './AuditEventRow.tsx';
import { EMPTY_FILTERS, toApiFilters, type FilterForm } from './audit-filters.ts';

const PAGE_SIZE = 50;

/** The API names the query parameter at fault; the form names its own fields. */
const FORM_FIELD: Record<string, keyof FilterForm> = { action: 'action', actorId: 'actorId', targetId: 'targetId', from: 'fromDate', to: 'untilDate' };

export default function AuditLogPage() {
  const [filters, setFilters] = useState<FilterForm>(EMPTY_FILTERS);
  const apiFilters = toApiFilters(filters);
  const events = useInfiniteQuery({
    queryKey: ['audit-events', apiFilters],
    queryFn: ({ pageParam }) => auditApi.list(apiFilters, pageParam, PAGE_SIZE),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  const field = events.error instanceof ApiError ? FORM_FIELD[String(events.error.details?.field)] : undefined;
  const rows = events.data?.pages.flatMap((page) => page.events) ?? [];
  const filtered = Object.values(apiFilters).some(Boolean);

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what in this organization, and when. Newest first."
        actions={<ExportMenu what="events" download={(format) => exportsApi.auditEvents(apiFilters, format)} />}
      />
      <AuditFiltersForm applied={filters} onApply={setFilters} serverErrors={field ? { [field]: events.error!.message } : {}} />
      {events.isPending ? (
        <LoadingState label="Loading events…" />
      ) : events.isError && rows.length === 0 ? (
        field ? null : <ErrorState error={events.error} title="The audit log could not be loaded" />
      ) : rows.length === 0 ? (
        <EmptyState title={filtered ? 'No events match these filters' : 'No events yet'}>
          {filtered ? 'Try a wider time range, or an action ending in * to match a family of actions.' : 'Changes and sign-ins will be listed here.'}
        </EmptyState>
      ) : (
        <>
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="xs" striped aria-label="Audit events">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((event) => (
                  <AuditEventRow key={event.id} event={event} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {events.isFetchNextPageError && <ErrorState error={events.error} title="More events could not be loaded" />}
          <Center mt="md">
            {events.hasNextPage ? (
              <Button variant="default" onClick={() => events.fetchNextPage()} loading={events.isFetchingNextPage}>
                Load more
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                {rows.length === 1 ? 'One event' : `${rows.length} events`}, no more to show
              </Text>
            )}
          </Center>
        </>
      )}
    </>
  );
}
