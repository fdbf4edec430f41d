// The mails Tessera sends for the organization, one template per purpose: choose one, edit its
// subject, text and HTML, preview it with sample values, save it or go back to the default.

import { useState } from 'react';
import { Badge, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { LoadingState, ErrorState } from '../../../components/states.tsx';
import { MAIL_PURPOSES, type MailPurpose } from '../../../api/settings.ts';
import { useTemplate } from './settings-queries.ts';
import { TemplateEditor } from './TemplateEditor.tsx';

export function EmailTemplatesCard() {
  const [purpose, setPurpose] = useState<MailPurpose>('invitation');
  const template = useTemplate(purpose);
  const about = MAIL_PURPOSES.find((p) => p.value === purpose)!;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="templates-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="templates-title">
          Email templates
        </Title>
        {template.data && (
          <Badge variant="light" color={template.data.customized ? 'indigo' : 'gray'}>
            {template.data.customized ? 'Customized' : 'Default'}
          </Badge>
        )}
      </Group>
      <Stack gap="md">
        <Select
          label="Mail"
          description={about.description}
          data={MAIL_PURPOSES.map(({ value, label }) => ({ value, label }))}
          value={purpose}
          onChange={(value) => value && setPurpose(value as MailPurpose)}
          allowDeselect={false}
          maw={360}
        />
        {template.isPending ? (
          <LoadingState label="Loading the template…" />
        ) : template.isError ? (
          <ErrorState error={template.error} title="The template could not be loaded" />
        ) : (
          // Keyed by what was loaded: switching mails, saving or resetting starts a fresh draft.
          <TemplateEditor key={`${purpose}:${template.dataUpdatedAt}`} template={template.data} label={about.label} />
        )}
        <Text size="xs" c="dimmed">
          Values in the HTML are escaped when a mail is sent, so a customer’s name cannot add markup.
        </Text>
      </Stack>
    </Paper>
  );
}
