// Cursor paging for the Users list: Previous and Next (and back to the first page), the page
// size, and where in the list the page is. There is no "jump to page n": a cursor only knows the
// page after it, which is what keeps deep pages as fast as the first.

import { Button, Group, Select, Text } from '@mantine/core';
import { PAGE_SIZES, type PageSize } from './users-query.ts';

export interface UsersPagerProps {
  pageNumber: number;
  pageSize: PageSize;
  shown: number;
  total: number;
  busy: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  onFirst: () => void;
  onPageSize: (size: PageSize) => void;
}

export function UsersPager(props: UsersPagerProps) {
  const first = (props.pageNumber - 1) * props.pageSize + 1;
  const last = first + props.shown - 1;
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Group justify="space-between" gap="sm" wrap="wrap" component="nav" aria-label="Pages of customers">
      <Text size="sm" c="dimmed" aria-live="polite">
        {`${first.toLocaleString()}–${last.toLocaleString()} of ${props.total.toLocaleString()} · page ${props.pageNumber.toLocaleString()} of ${pages.toLocaleString()}`}
      </Text>
      <Group gap="xs" wrap="wrap">
        <Select
          aria-label="Customers per page"
          data={PAGE_SIZES.map((size) => ({ value: String(size), label: `${size} per page` }))}
          value={String(props.pageSize)}
          onChange={(value) => value && props.onPageSize(Number(value) as PageSize)}
          allowDeselect={false}
          w={140}
          size="xs"
        />
        {props.pageNumber > 2 && (
          <Button variant="default" size="xs" onClick={props.onFirst} disabled={props.busy}>
            First page
          </Button>
        )}
        <Button variant="default" size="xs" onClick={props.onPrevious} disabled={props.pageNumber <= 1 || props.busy}>
          Previous
        </Button>
        <Button variant="default" size="xs" onClick={props.onNext} disabled={!props.hasNext || props.busy}>
          Next
        </Button>
      </Group>
    </Group>
  );
}
