// The confirmation every irreversible action asks for (as the guide's Delete does): what will
// happen, a checkbox saying it is understood, and a red button that stays disabled until the
// box is ticked. The caller owns the action and says what it is.

import { useEffect, useState, type ReactNode } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack } from '@mantine/core';

export interface IrreversibleActionModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** What will happen, in words. */
  children: ReactNode;
  checkboxLabel: string;
  confirmLabel: string;
  onConfirm: () => void;
  pending: boolean;
  /** The failed attempt's message, shown above the buttons. */
  error?: string;
  /** Besides the checkbox, what must be settled first (e.g. a check still loading). */
  confirmDisabled?: boolean;
}

export function IrreversibleActionModal(props: IrreversibleActionModalProps) {
  const [confirmed, setConfirmed] = useState(false);
  // Every opening asks anew.
  useEffect(() => {
    if (!props.opened) setConfirmed(false);
  }, [props.opened]);
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title}>
      <Stack>
        {props.children}
        <Checkbox label={props.checkboxLabel} checked={confirmed} onChange={(event) => setConfirmed(event.currentTarget.checked)} />
        {props.error && (
          <Alert color="red" role="alert">
            {props.error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button color="red" disabled={!confirmed || props.confirmDisabled} loading={props.pending} onClick={props.onConfirm}>
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
