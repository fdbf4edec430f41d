import { useEffect, type ReactNode } from 'react';
import { Group, Stack, Text, Title } from '@mantine/core';
import { config } from '../config.ts';

/** A page's title (also the document's), one line saying what it is for, and its main actions. */
export function PageHeader({ title, description, actions }: { title: string; description?: string; actions?: ReactNode }) {
  // Each page has its own title (WCAG 2.4.2): the tab, the history and a screen reader name it.
  useEffect(() => {
    document.title = `${title} · ${config.app === 'console' ? 'Console' : 'My Account'} · ${config.orgName}`;
  }, [title]);
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="sm">
      <Stack gap={4}>
        <Title order={1} size="h2">
          {title}
        </Title>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        )}
      </Stack>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}
