// One audit event: when, who, what, on what; its details (the values before and after, the
// request id and address) fold out below it.

import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, Code, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import type { AuditEvent } from '../../../api/audit.ts';

/** Where the Console shows a kind of object, when it has a page for it. */
const PAGE_OF: Record<string, (id: string) => string> = {
  user: (id) => `/users/${encodeURIComponent(id)}`,
  group: (id) => `/groups/${encodeURIComponent(id)}`,
  application: (id) => `/applications/${encodeURIComponent(id)}`,
};

function Reference({ type, id }: { type: string | null; id: string | null }) {
  const page = type && id ? PAGE_OF[type] : undefined;
  return (
    <Stack gap={0}>
      <Text size="sm">{type ?? '—'}</Text>
      {id &&
        (page ? (
          <Anchor component={Link} to={page(id)} size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
            {id}
          </Anchor>
        ) : (
          <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
            {id}
          </Text>
        ))}
    </Stack>
  );
}

function Json({ label, value }: { label: string; value: unknown }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      {value === null || value === undefined ? (
        <Text size="sm" c="dimmed">
          Nothing recorded
        </Text>
      ) : (
        <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {JSON.stringify(value, null, 2)}
        </Code>
      )}
    </Stack>
  );
}

export function AuditEventRow({ event }: { event: AuditEvent }) {
  const [open, setOpen] = useState(false);
  const detailsId = `audit-details-${event.id}`;
  return (
    <Fragment>
      <Table.Tr>
        <Table.Td style={{ whiteSpace: 'nowrap' }}>
          <time dateTime={event.occurredAt}>{new Date(event.occurredAt).toLocaleString()}</time>
        </Table.Td>
        <Table.Td>
          <Code>{event.action}</Code>
        </Table.Td>
        <Table.Td>
          <Reference type={event.actor.type} id={event.actor.id} />
        </Table.Td>
        <Table.Td>
          <Reference type={event.target.type} id={event.target.id} />
        </Table.Td>
        <Table.Td>
          <Button variant="subtle" size="xs" onClick={() => setOpen(!open)} aria-expanded={open} aria-controls={detailsId}>
            {open ? 'Hide details' : 'Details'}
          </Button>
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr id={detailsId}>
          <Table.Td colSpan={5}>
            <Stack gap="sm" py="xs">
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <Json label="Before" value={event.before} />
                <Json label="After" value={event.after} />
              </SimpleGrid>
              <Text size="xs" c="dimmed">
                Event {event.id} · Request {event.requestId ?? '—'} · From {event.clientIp ?? '—'}
              </Text>
            </Stack>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
