// A value to copy (a client id, a secret): shown in full, selectable, with a button that copies
// it and says so. The button's name says what it copies, for screen readers.

import { Button, Code, CopyButton, Group } from '@mantine/core';

export function CopyValue({ value, what }: { value: string; what: string }) {
  return (
    <Group gap="xs" wrap="wrap" align="center">
      <Code style={{ wordBreak: 'break-all', whiteSpace: 'normal', minWidth: 0 }} fz="sm">
        {value}
      </Code>
      <CopyButton value={value} timeout={2000}>
        {({ copied, copy }) => (
          <Button size="compact-sm" variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy} style={{ flexShrink: 0 }} aria-label={copied ? `${what} copied` : `Copy ${what}`}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
