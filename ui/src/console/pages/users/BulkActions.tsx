// The bar above the Users list once rows are ticked: how many are chosen, "select all N
// matching" to take every customer the filters select, and the actions (add to or remove from a
// group, resend the invitation, lock, unlock, delete). Each asks for confirmation (delete with
// the checkbox and the count, as the single delete does), then runs on the server as one
// background job whose progress is shown until it ends.

import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Menu, Modal, Paper, Progress, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { bulkActionsApi, type BulkAction, type BulkActionJob, type BulkTarget } from '../../../api/bulk-actions.ts';
import { isFinished } from '../../../api/jobs.ts';
import { IrreversibleActionModal } from '../../../components/IrreversibleActionModal.tsx';
import { useGroupOptions, usersListKey } from './users-query.ts';

const ACTIONS: Record<BulkAction, { label: string; verb: string }> = {
  add_to_group: { label: 'Add to group…', verb: 'Add to the group' },
  remove_from_group: { label: 'Remove from group…', verb: 'Remove from the group' },
  resend_invitation: { label: 'Resend invitation', verb: 'Resend the invitation' },
  lock: { label: 'Lock', verb: 'Lock' },
  unlock: { label: 'Unlock', verb: 'Unlock' },
  delete: { label: 'Delete…', verb: 'Delete' },
};

const OUTCOME_WORDS: Record<string, string> = { done: 'done', unchanged: 'unchanged', refused: 'refused', not_found: 'no longer there' };

export interface BulkSelection {
  /** The rows ticked, or every customer the filters match. */
  target: BulkTarget;
  count: number;
}

function users(count: number): string {
  return count === 1 ? '1 customer' : `${count.toLocaleString()} customers`;
}

function GroupChoice({ value, onChange }: { value: string | null; onChange: (groupId: string | null) => void }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const options = useGroupOptions(debounced);
  const data = (options.data?.Resources ?? []).map((group) => ({ value: group.id, label: group.displayName }));
  return (
    <Select
      label="Group"
      placeholder="Choose a group"
      data={data}
      value={value}
      onChange={onChange}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      nothingFoundMessage={options.isFetching ? 'Searching…' : 'No group has that name'}
      data-autofocus
    />
  );
}

function JobProgress({ job, onDone }: { job: BulkActionJob; onDone: () => void }) {
  const percent = job.totalRows === 0 ? 100 : Math.round((job.processedRows / job.totalRows) * 100);
  const outcomes = Object.entries(job.outcomes)
    .map(([outcome, count]) => `${count.toLocaleString()} ${OUTCOME_WORDS[outcome] ?? outcome}`)
    .join(', ');
  return (
    <Paper withBorder p="sm" aria-label="Bulk action progress">
      <Stack gap={6}>
        <Text size="sm" fw={600}>
          {ACTIONS[job.action].verb}: {isFinished(job) ? (job.state === 'completed' ? 'finished' : job.state) : 'running'}
        </Text>
        <Progress value={percent} aria-label={`${job.processedRows} of ${job.totalRows} customers done`} />
        <Text size="sm" aria-live="polite">
          {job.processedRows.toLocaleString()} of {users(job.totalRows)} done{outcomes ? ` (${outcomes})` : ''}
        </Text>
        {job.outcomes.refused ? <Text size="sm" c="dimmed">Refused: the account is not one you may change this way (an administrator), or the action does not apply (an invitation already accepted).</Text> : null}
        {isFinished(job) && (
          <Group>
            <Button size="xs" variant="default" onClick={onDone}>
              Close
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

export function BulkActions({ selection, matching, onSelectAllMatching, onClear }: { selection: BulkSelection; matching: number | null; onSelectAllMatching: (() => void) | null; onClear: () => void }) {
  const queryClient = useQueryClient();
  const [action, setAction] = useState<BulkAction | null>(null);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);

  const job = useQuery({
    queryKey: ['bulk-actions', jobId],
    queryFn: () => bulkActionsApi.get(jobId!),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data) ? false : 1000),
  });
  const finished = job.data !== undefined && isFinished(job.data);
  useEffect(() => {
    // The list shows the outcome once the job has ended.
    if (finished) void queryClient.invalidateQueries({ queryKey: usersListKey });
  }, [finished, queryClient]);

  // A second click before the first answer (a double click) sends nothing.
  const sending = useRef(false);
  const start = useMutation({
    mutationFn: () => bulkActionsApi.start(action!, selection.target, groupId ?? undefined),
    onSettled: () => {
      sending.current = false;
    },
    onSuccess: (started) => {
      queryClient.setQueryData(['bulk-actions', started.id], started);
      setJobId(started.id);
      setAction(null);
      setGroupId(null);
      onClear();
    },
  });

  const send = () => {
    if (sending.current) return;
    sending.current = true;
    start.mutate();
  };

  const close = () => {
    setAction(null);
    setGroupId(null);
    start.reset();
  };
  const choose = (next: BulkAction) => {
    start.reset();
    setAction(next);
  };
  const needsGroup = action === 'add_to_group' || action === 'remove_from_group';

  return (
    <Stack gap="xs">
      {selection.count > 0 && (
        <Paper withBorder p="xs" aria-label="Selected customers">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Group gap="xs" wrap="wrap">
              <Text size="sm" fw={600}>
                {users(selection.count)} selected
              </Text>
              {onSelectAllMatching && matching !== null && (
                <Button size="compact-sm" variant="subtle" onClick={onSelectAllMatching}>
                  Select all {users(matching)} matching
                </Button>
              )}
              <Button size="compact-sm" variant="subtle" color="gray" onClick={onClear}>
                Clear selection
              </Button>
            </Group>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button size="sm" disabled={job.data !== undefined && !isFinished(job.data)}>
                  Actions
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {(Object.keys(ACTIONS) as BulkAction[]).map((key) => (
                  <Menu.Item key={key} color={key === 'delete' ? 'red' : undefined} onClick={() => choose(key)}>
                    {ACTIONS[key].label}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Paper>
      )}

      {job.data && <JobProgress job={job.data} onDone={() => setJobId(null)} />}

      <Modal opened={action !== null && action !== 'delete'} onClose={close} title={action ? `${ACTIONS[action].verb}: ${users(selection.count)}` : ''}>
        <Stack>
          {needsGroup && <GroupChoice value={groupId} onChange={setGroupId} />}
          {!needsGroup && action && (
            <Text size="sm">
              {ACTIONS[action].verb} for {users(selection.count)}. Accounts this does not apply to are left as they are and reported.
            </Text>
          )}
          {start.isError && (
            <Alert color="red" role="alert">
              {errorMessage(start.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={send} loading={start.isPending} disabled={needsGroup && !groupId}>
              {action ? ACTIONS[action].verb : ''}
            </Button>
          </Group>
        </Stack>
      </Modal>

      <IrreversibleActionModal
        opened={action === 'delete'}
        onClose={close}
        title={`Delete ${users(selection.count)}`}
        checkboxLabel={`I understand that ${users(selection.count)} will be deleted permanently`}
        confirmLabel={`Delete ${users(selection.count)}`}
        onConfirm={send}
        pending={start.isPending}
        error={start.isError ? errorMessage(start.error) : undefined}
      >
        <Text size="sm">
          Their accounts, group memberships, sessions and tokens are removed, and they can no longer sign in. This cannot be undone.
        </Text>
      </IrreversibleActionModal>
    </Stack>
  );
}
