// A rendered mail. The HTML is shown in a sandboxed frame with no permissions at all (no scripts,
// no forms, no navigation of this page), from srcdoc, so nothing in a template runs here; the
// frame also inherits this page's content security policy.

import { Paper, Stack, Tabs, Text } from '@mantine/core';
import type { TemplatePreview as Preview } from '../../../api/settings.ts';

export function TemplatePreview({ preview }: { preview: Preview }) {
  return (
    <Paper withBorder p="md" bg="var(--mantine-color-gray-0)" component="section" aria-label="Preview">
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          Preview with sample values: sent to {preview.values.name} &lt;{preview.values.email}&gt;
        </Text>
        <Text fw={600} data-testid="preview-subject">
          Subject: {preview.subject}
        </Text>
        <Tabs defaultValue="html">
          <Tabs.List>
            <Tabs.Tab value="html">HTML</Tabs.Tab>
            <Tabs.Tab value="text">Text</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="html" pt="sm">
            <iframe
              title="HTML preview of the mail"
              sandbox=""
              srcDoc={preview.html}
              style={{ width: '100%', height: 420, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4, background: '#fff' }}
            />
          </Tabs.Panel>
          <Tabs.Panel value="text" pt="sm">
            <Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', margin: 0 }}>
              {preview.text}
            </Text>
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </Paper>
  );
}
