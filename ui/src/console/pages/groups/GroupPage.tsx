// One group: its name (rename, delete) and its members (add through a user search, remove,
// page through them).

import { Link, useParams } from 'react-router';
import { Anchor, Button, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ApiError } from '../../../api/http.ts';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ErrorState, LoadingState } from '../../../components/states.tsx';
import { useGroup } from './group-queries.ts';
import { RenameGroupModal } from './RenameGroupModal.tsx';
import { DeleteGroupModal } from './DeleteGroupModal.tsx';
import { AddMembers } from './AddMembers.tsx';
import { GroupMembers } from './GroupMembers.tsx';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export default function GroupPage() {
  const { id = '' } = useParams();
  const group = useGroup(id);
  const [renaming, rename] = useDisclosure(false);
  const [deleting, remove] = useDisclosure(false);

  const back = (
    <Anchor component={Link} to="/groups" size="sm">
      ← All groups
    </Anchor>
  );
  if (group.isPending) return <LoadingState label="Loading the group…" />;
  if (group.isError) {
    const gone = group.error instanceof ApiError && group.error.status === 404;
    return (
      <Stack>
        {back}
        <ErrorState error={group.error} title={gone ? 'This group does not exist. It may have been deleted.' : 'The group could not be loaded'} />
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      {back}
      <PageHeader
        title={group.data.displayName}
        description={`Group created ${dateFormat.format(new Date(group.data.meta.created))}`}
        actions={
          <>
            <Button variant="default" onClick={rename.open}>
              Rename
            </Button>
            <Button color="red" variant="light" onClick={remove.open}>
              Delete group
            </Button>
          </>
        }
      />
      <AddMembers groupId={id} groupName={group.data.displayName} />
      <GroupMembers groupId={id} groupName={group.data.displayName} />
      <RenameGroupModal group={group.data} opened={renaming} onClose={rename.close} />
      <DeleteGroupModal group={group.data} opened={deleting} onClose={remove.close} />
    </Stack>
  );
}
