// The organization's owner and administrators. The owner invites and removes administrators;
// everyone else sees the list read-only. Nobody removes the owner.

import { useState } from 'react';
import { Alert, Badge, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../../components/states.tsx';
import type { Administrator } from '../../../api/administrators.ts';
import { useAdministrators } from './admin-queries.ts';
import { InviteAdministratorModal } from './InviteAdministratorModal.tsx';
import { RemoveAdministratorModal } from './RemoveAdministratorModal.tsx';

const STATE: Record<Administrator['accountState'], { label: string; color: string }> = {
  pending: { label: 'Invited', color: 'yellow' },
  active: { label: 'Active', color: 'green' },
  locked: { label: 'Locked', color: 'orange' },
  disabled: { label: 'Disabled', color: 'gray' },
};

const fullName = (a: Administrator) => [a.givenName, a.familyName].filter(Boolean).join(' ');

export default function AdministratorsPage() {
  const admins = useAdministrators();
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<Administrator>();

  return (
    <>
      <PageHeader
        title="Administrators"
        description="The people who manage this organization in the Console."
        actions={admins.isOwner && <Button onClick={() => setInviting(true)}>Invite administrator</Button>}
      />
      {admins.isPending ? (
        <LoadingState label="Loading administrators…" />
      ) : admins.isError ? (
        <ErrorState error={admins.error} title="The administrators could not be loaded" />
      ) : (
        <>
          {!admins.isOwner && (
            <Alert color="blue" variant="light" mb="md">
              Only the organization’s owner invites and removes administrators.
            </Alert>
          )}
          {admins.data.length === 0 ? (
            <EmptyState title="No administrators" />
          ) : (
            // Focusable, so that the table scrolls sideways by keyboard on a phone even when no row has a button.
            <Table.ScrollContainer minWidth={640} type="native" tabIndex={0} role="region" aria-label="Administrators">
              <Table verticalSpacing="sm" striped highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Added</Table.Th>
                    {admins.isOwner && (
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    )}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {admins.data.map((admin) => (
                    <Table.Tr key={admin.id}>
                      <Table.Td>
                        {fullName(admin) || (
                          <Text span c="dimmed">
                            —
                          </Text>
                        )}
                        {admin.id === admins.me && (
                          <Text span c="dimmed" size="sm">
                            {' '}
                            (you)
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{admin.email}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={admin.role === 'owner' ? 'indigo' : 'gray'}>
                          {admin.role === 'owner' ? 'Owner' : 'Administrator'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="dot" color={STATE[admin.accountState].color}>
                          {STATE[admin.accountState].label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{new Date(admin.createdAt).toLocaleDateString()}</Table.Td>
                      {admins.isOwner && (
                        <Table.Td ta="right">
                          {admin.role !== 'owner' && (
                            <Button variant="subtle" color="red" size="xs" onClick={() => setRemoving(admin)} aria-label={`Remove ${admin.email}`}>
                              Remove
                            </Button>
                          )}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
      <InviteAdministratorModal opened={inviting} onClose={() => setInviting(false)} />
      <RemoveAdministratorModal administrator={removing} onClose={() => setRemoving(undefined)} />
    </>
  );
}
