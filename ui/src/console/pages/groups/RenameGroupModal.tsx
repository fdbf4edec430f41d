// Renaming a group: a SCIM PATCH replacing displayName, sent with If-Match so that a rename
// based on a name someone else has since changed fails (412) instead of overwriting theirs.

import { useState, type FormEvent } from 'react';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/http.ts';
import { groups, type ScimGroup } from '../../../api/scim.ts';
import { groupKeys } from './group-queries.ts';
import { groupNameError } from './group-name.ts';
import { GroupNameModal } from './GroupNameModal.tsx';

export function RenameGroupModal({ group, opened, onClose }: { group: ScimGroup; opened: boolean; onClose: () => void }) {
  const [name, setName] = useState(group.displayName);
  const [nameError, setNameError] = useState<string>();
  const queryClient = useQueryClient();

  // Starts from the current name each time the dialog opens; a refetch while it is open (after
  // a 412) keeps what the person typed.
  const [openedWith, setOpenedWith] = useState(false);
  if (opened !== openedWith) {
    setOpenedWith(opened);
    if (opened) setName(group.displayName);
  }

  const rename = useMutation({
    mutationFn: (displayName: string) => groups.patch(group.id, [{ op: 'replace', path: 'displayName', value: displayName }], group.meta.version),
    onSuccess: async (updated) => {
      await queryClient.invalidateQueries({ queryKey: groupKeys.all });
      notifications.show({ color: 'green', message: `Group renamed to “${updated.displayName}”` });
      close();
    },
    onError: async (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.code === 'invalidValue')) setNameError(error.message);
      // Someone changed the group meanwhile: show its current state so the next try can succeed.
      if (error instanceof ApiError && error.status === 412) await queryClient.invalidateQueries({ queryKey: groupKeys.one(group.id) });
    },
  });

  function close() {
    setNameError(undefined);
    rename.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const problem = groupNameError(name);
    setNameError(problem);
    if (problem) return;
    if (name.trim() === group.displayName) return close();
    rename.mutate(name.trim());
  }

  const stale = rename.error instanceof ApiError && rename.error.status === 412;
  const otherError = rename.isError && !nameError ? (stale ? 'Someone else changed this group while you were editing it. The page now shows its latest state; try again.' : errorMessage(rename.error)) : undefined;
  return (
    <GroupNameModal
      title="Rename group"
      description="Unique in the organization."
      submitLabel="Save name"
      opened={opened}
      onClose={close}
      name={name}
      onNameChange={(value) => {
        setName(value);
        setNameError(undefined);
      }}
      nameError={nameError}
      otherError={otherError}
      pending={rename.isPending}
      onSubmit={submit}
    />
  );
}
