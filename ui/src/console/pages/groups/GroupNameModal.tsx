// The dialog both creating and renaming a group show: one name field, its error, any other
// error, and the two buttons. The callers own the mutation and what the name must be.

import type { FormEvent } from 'react';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { MAX_GROUP_NAME } from './group-name.ts';

export interface GroupNameModalProps {
  title: string;
  description: string;
  submitLabel: string;
  opened: boolean;
  onClose: () => void;
  name: string;
  onNameChange: (name: string) => void;
  nameError?: string;
  otherError?: string;
  pending: boolean;
  onSubmit: (event: FormEvent) => void;
}

export function GroupNameModal(props: GroupNameModalProps) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title}>
      <form onSubmit={props.onSubmit} noValidate>
        <Stack>
          <TextInput
            label="Group name"
            description={props.description}
            value={props.name}
            onChange={(event) => props.onNameChange(event.currentTarget.value)}
            error={props.nameError}
            required
            data-autofocus
            maxLength={MAX_GROUP_NAME}
          />
          {props.otherError && (
            <Alert color="red" role="alert">
              {props.otherError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={props.pending}>
              {props.submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
