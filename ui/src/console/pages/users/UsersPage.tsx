// Manage > Users: the organization's customers, searched by email or name, filtered by state and
// group, sorted, and paged with SCIM cursors (the last page is as quick as the first). Each row
// shows the account's state at a glance and offers Edit and Delete, as the guide describes.
// Filters and sort live in the address, so Back from a user's page returns to the same list.

import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button, Group, Menu, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import type { ScimUser } from '../../../api/scim.ts';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../../components/states.tsx';
import { DeleteUserDialog } from './DeleteUserDialog.tsx';
import { isUserState } from './user-state.ts';
import { customerExportQuery, isSortKey, PAGE_SIZES, useCustomerPage, usersListKey, type PageSize, type UserListFilters } from './users-query.ts';
import { exportsApi } from '../../../api/exports.ts';
import { ExportMenu } from '../../../components/ExportMenu.tsx';
import { UsersFilters } from './UsersFilters.tsx';
import { UsersTable } from './UsersTable.tsx';
import { BulkActions } from './BulkActions.tsx';
import { UsersPager } from './UsersPager.tsx';

/** The Delete dialog's user while it is closed and nobody was chosen. */
const NOBODY = { id: '', userName: '' };

function readFilters(params: URLSearchParams): UserListFilters {
  const state = params.get('state');
  const sort = params.get('sort');
  const size = Number(params.get('size'));
  return {
    search: params.get('q') ?? '',
    state: isUserState(state) ? state : null,
    groupId: params.get('group') || null,
    sort: isSortKey(sort) ? sort : 'newest',
    pageSize: (PAGE_SIZES as readonly number[]).includes(size) ? (size as PageSize) : 25,
  };
}

function countText(total: number, filtered: boolean): string {
  const count = total.toLocaleString();
  if (!filtered) return total === 1 ? '1 customer' : `${count} customers`;
  return total === 1 ? '1 customer matches' : `${count} customers match`;
}

function NewUserMenu() {
  const navigate = useNavigate();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button>New User</Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Add a user</Menu.Label>
        <Menu.Item onClick={() => navigate('/users/new')}>Customer</Menu.Item>
        <Menu.Item onClick={() => navigate('/users/import')}>Multiple users</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export default function UsersPage() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const queryClient = useQueryClient();

  // What the person types is searched once they pause, and kept in the address.
  const [searchText, setSearchText] = useState(filters.search);
  const [debouncedSearch] = useDebouncedValue(searchText, 300);
  useEffect(() => {
    if (debouncedSearch.trim() === filters.search.trim()) return;
    update({ q: debouncedSearch.trim() || null });
    // Only a settled search updates the address (update reads the current parameters itself).
  }, [debouncedSearch]);

  // The address changed by other means (Back, a link): the box shows what is searched.
  useEffect(() => {
    if (filters.search !== debouncedSearch.trim()) setSearchText(filters.search);
    // Only a change of the address matters here, not each keystroke.
  }, [filters.search]);

  function update(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  }

  // Cursor paging: the cursors of the pages before this one, reset whenever the list changes.
  const listKey = JSON.stringify(filters);
  const [trail, setTrail] = useState<{ key: string; cursors: string[] }>({ key: listKey, cursors: [''] });
  const cursors = trail.key === listKey ? trail.cursors : [''];
  const page = useCustomerPage(filters, cursors[cursors.length - 1]);

  // Rows ticked for a bulk action, or every customer the filters match; a new list starts afresh.
  const [chosen, setChosen] = useState<{ key: string; ids: Set<string>; all: boolean }>({ key: listKey, ids: new Set(), all: false });
  const selected = chosen.key === listKey ? chosen : { key: listKey, ids: new Set<string>(), all: false };
  const choose = (change: (ids: Set<string>) => void) => {
    const ids = new Set(selected.ids);
    change(ids);
    setChosen({ key: listKey, ids, all: false });
  };
  const clearSelection = () => setChosen({ key: listKey, ids: new Set(), all: false });
  const total = page.data?.totalResults ?? null;
  const selection = {
    ids: selected.ids,
    all: selected.all,
    onToggle: (id: string, checked: boolean) => choose((ids) => (checked ? ids.add(id) : ids.delete(id))),
    onTogglePage: (pageIds: string[], checked: boolean) => choose((ids) => pageIds.forEach((id) => (checked ? ids.add(id) : ids.delete(id)))),
  };
  const bulkSelection = selected.all && total !== null
    ? { target: { filter: customerExportQuery(filters).filter, expectedCount: total }, count: total }
    : { target: { userIds: [...selected.ids] }, count: selected.ids.size };

  const [deleting, setDeleting] = useState<ScimUser | null>(null);
  // The dialog is always mounted (closed, with nobody, at first): Mantine notes the focused Delete
  // button when `opened` turns true, and gives focus back to it when the dialog closes.
  const [deleteOpened, setDeleteOpened] = useState(false);
  const filtered = Boolean(filters.search || filters.state || filters.groupId);

  const clearFilters = () => {
    setSearchText('');
    update({ q: null, state: null, group: null });
  };

  const deleted = () => {
    const user = deleting;
    setDeleteOpened(false);
    if (user) notifications.show({ color: 'green', title: 'User deleted', message: `${user.userName} was deleted.` });
    // The page may now be short by one, or empty: start the traversal again where it makes sense.
    if (page.data && page.data.Resources.length === 1 && cursors.length > 1) setTrail({ key: listKey, cursors: cursors.slice(0, -1) });
    void queryClient.invalidateQueries({ queryKey: usersListKey });
    void queryClient.invalidateQueries({ queryKey: ['groups'] });
  };

  let body;
  if (page.isPending) {
    body = <LoadingState label="Loading users…" />;
  } else if (page.isError && !page.data) {
    body = (
      <Stack gap="sm">
        <ErrorState error={page.error} title="The users could not be loaded" />
        <Group>
          <Button variant="default" onClick={() => void page.refetch()} loading={page.isFetching}>
            Try again
          </Button>
        </Group>
      </Stack>
    );
  } else if (page.data.totalResults === 0 && !filtered) {
    body = (
      <EmptyState title="No customers yet">
        <Stack gap="sm" align="center">
          <span>Invite your first customer, or give them a temporary password. Customers can also register themselves in My Account when self-registration is on.</span>
          <Button component={Link} to="/users/new">
            Add a customer
          </Button>
        </Stack>
      </EmptyState>
    );
  } else if (page.data.Resources.length === 0) {
    body = (
      <EmptyState title="No customers match">
        <Stack gap="sm" align="center">
          <span>Try another search, or clear the filters.</span>
          <Button variant="default" onClick={clearFilters}>
            Clear filters
          </Button>
        </Stack>
      </EmptyState>
    );
  } else {
    const data = page.data;
    body = (
      <Stack gap="sm">
        <UsersTable users={data.Resources} busy={page.isPlaceholderData} onDelete={(user) => (setDeleting(user), setDeleteOpened(true))} selection={selection} />
        <UsersPager
          pageNumber={cursors.length}
          pageSize={filters.pageSize}
          shown={data.Resources.length}
          total={data.totalResults}
          busy={page.isFetching}
          hasNext={Boolean(data.nextCursor)}
          onPrevious={() => setTrail({ key: listKey, cursors: cursors.slice(0, -1) })}
          onNext={() => data.nextCursor && setTrail({ key: listKey, cursors: [...cursors, data.nextCursor] })}
          onFirst={() => setTrail({ key: listKey, cursors: [''] })}
          onPageSize={(size) => update({ size: size === 25 ? null : String(size) })}
        />
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      <PageHeader
        title="Users"
        description="The customers of your organization: invite them, set their groups, and remove them."
        actions={
          <>
            <ExportMenu what="customers" download={(format) => exportsApi.users(customerExportQuery(filters), format)} />
            <NewUserMenu />
          </>
        }
      />
      <UsersFilters
        searchText={searchText}
        onSearchText={setSearchText}
        state={filters.state}
        onState={(state) => update({ state })}
        groupId={filters.groupId}
        onGroup={(group) => update({ group })}
        sort={filters.sort}
        onSort={(sort) => update({ sort: sort === 'newest' ? null : sort })}
      />
      <Text size="sm" c="dimmed" aria-live="polite">
        {page.data ? countText(page.data.totalResults, filtered) : ''}
      </Text>
      <BulkActions
        selection={bulkSelection}
        matching={total}
        onSelectAllMatching={!selected.all && total !== null && total > selected.ids.size ? () => setChosen({ key: listKey, ids: new Set(), all: true }) : null}
        onClear={clearSelection}
      />
      {body}
      <DeleteUserDialog user={deleting ?? NOBODY} opened={deleteOpened} onClose={() => setDeleteOpened(false)} onDeleted={deleted} />
    </Stack>
  );
}
