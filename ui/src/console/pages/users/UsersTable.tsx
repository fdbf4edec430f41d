// One page of customers: a table on a wide screen, a list of cards on a phone. Each user has
// the guide's two actions, Edit (the user's page) and Delete (a confirmation dialog), and a
// checkbox that chooses them for a bulk action (BulkActions.tsx).

import { Link } from 'react-router';
import { Badge, Button, Card, Checkbox, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { ScimUser } from '../../../api/scim.ts';
import { UserStateBadge } from './UserStateBadge.tsx';
import { personName } from './user-state.ts';

const MAX_GROUPS_SHOWN = 2;

function GroupBadges({ user, compact = false }: { user: ScimUser; compact?: boolean }) {
  const groups = user.groups ?? [];
  if (groups.length === 0) return compact ? null : <Text size="sm" c="dimmed">—</Text>;
  const shown = groups.slice(0, MAX_GROUPS_SHOWN);
  const rest = groups.length - shown.length;
  return (
    <Group gap={4} wrap="wrap">
      {shown.map((group) => (
        <Badge key={group.value} variant="outline" color="gray" tt="none" maw={160}>
          {group.display ?? group.value}
        </Badge>
      ))}
      {rest > 0 && (
        <Text size="xs" c="dimmed" title={groups.slice(MAX_GROUPS_SHOWN).map((g) => g.display).join(', ')}>
          +{rest} more
        </Text>
      )}
    </Group>
  );
}

function Actions({ user, onDelete }: { user: ScimUser; onDelete: (user: ScimUser) => void }) {
  return (
    <Group gap="xs" wrap="nowrap" justify="flex-end">
      <Button component={Link} to={`/users/${encodeURIComponent(user.id)}`} variant="default" size="xs" aria-label={`Edit ${user.userName}`}>
        Edit
      </Button>
      <Button variant="subtle" color="red" size="xs" onClick={() => onDelete(user)} aria-label={`Delete ${user.userName}`}>
        Delete
      </Button>
    </Group>
  );
}

export interface RowSelection {
  /** Ids ticked; every row counts as ticked when `all` (every customer matching is chosen). */
  ids: ReadonlySet<string>;
  all: boolean;
  onToggle: (id: string, checked: boolean) => void;
  onTogglePage: (ids: string[], checked: boolean) => void;
}

function RowCheckbox({ user, selection }: { user: ScimUser; selection: RowSelection }) {
  return (
    <Checkbox
      aria-label={`Select ${user.userName}`}
      checked={selection.all || selection.ids.has(user.id)}
      disabled={selection.all}
      onChange={(event) => selection.onToggle(user.id, event.currentTarget.checked)}
    />
  );
}

export function UsersTable({ users, busy, onDelete, selection }: { users: ScimUser[]; busy: boolean; onDelete: (user: ScimUser) => void; selection: RowSelection }) {
  const pageIds = users.map((user) => user.id);
  const ticked = pageIds.filter((id) => selection.ids.has(id)).length;
  const pageCheckbox = (
    <Checkbox
      aria-label="Select every customer on this page"
      checked={selection.all || (ticked > 0 && ticked === pageIds.length)}
      indeterminate={!selection.all && ticked > 0 && ticked < pageIds.length}
      disabled={selection.all}
      onChange={(event) => selection.onTogglePage(pageIds, event.currentTarget.checked)}
    />
  );
  const narrow = useMediaQuery('(max-width: 48em)', window.matchMedia('(max-width: 48em)').matches, { getInitialValueInEffect: false });
  const style = { opacity: busy ? 0.6 : 1, transition: 'opacity 120ms' };

  if (narrow) {
    return (
      <Stack gap="sm" style={style} aria-busy={busy}>
        <Group gap="xs">
          {pageCheckbox}
          <Text size="sm">Select this page</Text>
        </Group>
      <Stack gap="sm" component="ul" p={0} m={0} aria-label="Customers">
        {users.map((user) => (
          <Card key={user.id} withBorder padding="sm" component="li" style={{ listStyle: 'none' }}>
            <Stack gap={6}>
              <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
                <RowCheckbox user={user} selection={selection} />
                <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
                  <Text fw={600} truncate>
                    {personName(user) || user.userName}
                  </Text>
                  <Text size="sm" c="dimmed" truncate>
                    {user.userName}
                  </Text>
                </Stack>
                <UserStateBadge user={user} />
              </Group>
              <GroupBadges user={user} compact />
              <Actions user={user} onDelete={onDelete} />
            </Stack>
          </Card>
        ))}
      </Stack>
      </Stack>
    );
  }

  return (
    <Table.ScrollContainer minWidth={720} style={style} aria-busy={busy}>
      <Table verticalSpacing="sm" highlightOnHover aria-label="Customers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>{pageCheckbox}</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Groups</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                <RowCheckbox user={user} selection={selection} />
              </Table.Td>
              <Table.Td>{personName(user) || <Text c="dimmed" size="sm">—</Text>}</Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>{user.userName}</Table.Td>
              <Table.Td>
                <UserStateBadge user={user} />
              </Table.Td>
              <Table.Td>
                <GroupBadges user={user} />
              </Table.Td>
              <Table.Td>
                <Actions user={user} onDelete={onDelete} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
