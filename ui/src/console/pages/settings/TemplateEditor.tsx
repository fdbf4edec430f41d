// Editing one mail template: the draft is previewed with sample values by the server (rendered
// exactly as a real mail), saved, or reset to the default after a confirmation.

import { useState } from 'react';
import { Alert, Button, Code, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/http.ts';
import { fieldErrors, settingsApi, TEMPLATE_PLACEHOLDERS, type MailTemplate, type TemplateDraft } from '../../../api/settings.ts';
import { settingsKeys } from './settings-queries.ts';
import { TemplatePreview } from './TemplatePreview.tsx';

type Part = keyof TemplateDraft;

export function TemplateEditor({ template, label }: { template: MailTemplate; label: string }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<TemplateDraft>({ subject: template.subject, text: template.text, html: template.html });
  const [errors, setErrors] = useState<Partial<Record<Part, string>>>({});
  const [confirmReset, setConfirmReset] = useState(false);
  const dirty = draft.subject !== template.subject || draft.text !== template.text || draft.html !== template.html;

  const showProblems = (error: unknown) => setErrors(fieldErrors(error) as Partial<Record<Part, string>>);

  const preview = useMutation({ mutationFn: () => settingsApi.preview(template.purpose, draft), onSuccess: () => setErrors({}), onError: showProblems });
  const save = useMutation({
    mutationFn: () => settingsApi.saveTemplate(template.purpose, draft),
    onSuccess: (saved) => {
      queryClient.setQueryData(settingsKeys.template(template.purpose), saved);
      notifications.show({ color: 'green', message: `The ${label} mail was saved` });
    },
    onError: showProblems,
  });
  const reset = useMutation({
    mutationFn: () => settingsApi.resetTemplate(template.purpose),
    onSuccess: (restored) => {
      setConfirmReset(false);
      queryClient.setQueryData(settingsKeys.template(template.purpose), restored);
      notifications.show({ color: 'green', message: `The ${label} mail is back to the default` });
    },
  });

  const edit = (part: Part, value: string) => {
    // A preview of an earlier draft would mislead: it goes until asked for again.
    if (preview.data) preview.reset();
    setDraft((current) => ({ ...current, [part]: value }));
    setErrors((current) => ({ ...current, [part]: undefined }));
  };

  const failed = [preview, save].find((m) => m.isError && Object.keys(fieldErrors(m.error)).length === 0);

  return (
    <Stack gap="md">
      <Text size="sm">
        Placeholders:{' '}
        {TEMPLATE_PLACEHOLDERS.map((name, i) => (
          <span key={name}>
            {i > 0 && ' '}
            <Code>{`{{${name}}}`}</Code>
          </span>
        ))}
      </Text>
      <TextInput label="Subject" value={draft.subject} onChange={(e) => edit('subject', e.currentTarget.value)} error={errors.subject} />
      <Textarea
        label="Text version"
        description="For mail programs that do not show HTML."
        value={draft.text}
        onChange={(e) => edit('text', e.currentTarget.value)}
        error={errors.text}
        autosize
        minRows={5}
        maxRows={14}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
      />
      <Textarea
        label="HTML version"
        value={draft.html}
        onChange={(e) => edit('html', e.currentTarget.value)}
        error={errors.html}
        autosize
        minRows={5}
        maxRows={14}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
      />
      {failed && (
        <Alert color="red" role="alert">
          {errorMessage(failed.error)}
        </Alert>
      )}
      <Group gap="sm">
        <Button variant="light" onClick={() => preview.mutate()} loading={preview.isPending}>
          Preview
        </Button>
        <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!dirty}>
          Save template
        </Button>
        {dirty && (
          <Button variant="default" onClick={() => (setDraft({ subject: template.subject, text: template.text, html: template.html }), setErrors({}))}>
            Discard changes
          </Button>
        )}
        <Button variant="subtle" color="red" onClick={() => setConfirmReset(true)} disabled={!template.customized}>
          Reset to default
        </Button>
      </Group>
      {preview.data && <TemplatePreview preview={preview.data} />}

      <Modal opened={confirmReset} onClose={() => (setConfirmReset(false), reset.reset())} title={`Reset the ${label} mail to the default?`}>
        <Stack>
          <Text size="sm">Your organization’s version of this mail is deleted, and the default one is sent from now on. This cannot be undone.</Text>
          {reset.isError && (
            <Alert color="red" role="alert">
              {errorMessage(reset.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmReset(false)}>
              Cancel
            </Button>
            <Button color="red" onClick={() => reset.mutate()} loading={reset.isPending}>
              Reset to default
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
