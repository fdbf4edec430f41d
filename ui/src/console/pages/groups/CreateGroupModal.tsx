// Creating a group: only its name, which must be unique in the organization (the server says
// so with a 409 `uniqueness`, shown on the field). Members are added on the group's page.

import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/http.ts';
import { groups } from '../../../api/scim.ts';
import { groupKeys } from './group-queries.ts';
import { groupNameError } from './group-name.ts';
import { GroupNameModal } from './GroupNameModal.tsx';

export function CreateGroupModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const create = useMutation({
    mutationFn: (displayName: string) => groups.create(displayName),
    onSuccess: async (group) => {
      await queryClient.invalidateQueries({ queryKey: groupKeys.all });
      notifications.show({ color: 'green', message: `Group “${group.displayName}” created` });
      close();
      void navigate(`/groups/${group.id}`);
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.code === 'invalidValue')) setNameError(error.message);
    },
  });

  function close() {
    setName('');
    setNameError(undefined);
    create.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const problem = groupNameError(name);
    setNameError(problem);
    if (!problem) create.mutate(name.trim());
  }

  const otherError = create.isError && !nameError ? errorMessage(create.error) : undefined;
  return (
    <GroupNameModal
      title="New group"
      description="Unique in the organization. You can rename it later."
      submitLabel="Create group"
      opened={opened}
      onClose={close}
      name={name}
      onNameChange={(value) => {
        setName(value);
        setNameError(undefined);
      }}
      nameError={nameError}
      otherError={otherError}
      pending={create.isPending}
      onSubmit={submit}
    />
  );
}
