// A user's state as a coloured badge whose meaning a tooltip (and a screen reader) can tell.

import { Badge, Tooltip } from '@mantine/core';
import type { ScimUser } from '../../../api/scim.ts';
import { USER_STATES, userState } from './user-state.ts';

export function UserStateBadge({ user }: { user: ScimUser }) {
  const state = USER_STATES[userState(user)];
  return (
    <Tooltip label={state.meaning} withArrow multiline w={240} openDelay={300}>
      <Badge color={state.color} variant="light" style={{ whiteSpace: 'nowrap' }}>
        {state.label}
      </Badge>
    </Tooltip>
  );
}
