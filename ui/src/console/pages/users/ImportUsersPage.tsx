// Users > New User > Multiple users: invite a list of addresses, or upload a CSV (Asgardeo's
// columns: username,givenname,familyname,groups with groups separated by |) or JSON Lines file,
// of any size. "Check the file" runs a dry run that writes nothing and says what each row would
// do; "Import" runs it for real as a background job on the server. The page follows the job (its
// id is in the address, so a reload or Back finds it again) and downloads the per-row results.

import { useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Anchor, Badge, Button, Code, FileInput, Group, Paper, Progress, Radio, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { errorMessage } from '../../../api/http.ts';
import { importsApi, type ImportDelivery, type ImportFile, type ImportJob } from '../../../api/imports.ts';
import { isFinished } from '../../../api/jobs.ts';

type Source = 'addresses' | 'file';

const OUTCOME_LABELS: Record<string, string> = {
  created: 'Created',
  invited: 'Invited',
  would_create: 'Would be created',
  would_invite: 'Would be invited',
  skipped: 'Skipped',
  invalid: 'Not valid',
};

/** The addresses typed or pasted, one per line or separated by commas, as a one-column CSV. */
function addressesFile(text: string): ImportFile | undefined {
  const addresses = text
    .split(/[\n,;]+/)
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (addresses.length === 0) return undefined;
  const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return { body: ['username', ...addresses.map(cell)].join('\r\n'), contentType: 'text/csv', name: 'addresses.csv' };
}

function uploadedFile(file: File | null): ImportFile | undefined {
  if (!file) return undefined;
  const jsonLines = /\.(jsonl|ndjson)$/i.test(file.name);
  return { body: file, contentType: jsonLines ? 'application/jsonl' : 'text/csv', name: file.name };
}

function JobStatus({ job, onCancel, cancelling }: { job: ImportJob; onCancel: () => void; cancelling: boolean }) {
  const [downloading, setDownloading] = useState(false);
  const percent = job.totalRows === 0 ? 0 : Math.round((job.processedRows / job.totalRows) * 100);
  const title = job.dryRun ? 'Check of the file' : 'Import';
  const stateText: Record<ImportJob['state'], string> = {
    queued: 'Waiting to start',
    running: 'Running',
    completed: 'Finished',
    failed: 'Failed',
    cancelled: 'Cancelled',
  };

  async function download() {
    if (downloading) return;
    setDownloading(true);
    try {
      await importsApi.downloadResults(job.id);
    } catch (error) {
      notifications.show({ color: 'red', title: 'The results could not be downloaded', message: errorMessage(error) });
    } finally {
      setDownloading(false);
    }
  }

  return (
    <Paper withBorder p="md" aria-label={`${title} status`}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4">
            {title}
            {job.fileName ? ` of ${job.fileName}` : ''}: {stateText[job.state]}
          </Title>
          {!isFinished(job) && (
            <Button variant="default" color="red" onClick={onCancel} loading={cancelling}>
              Stop
            </Button>
          )}
        </Group>
        <Progress value={percent} aria-label={`${job.processedRows} of ${job.totalRows} rows done`} />
        <Text size="sm" aria-live="polite">
          {job.processedRows.toLocaleString()} of {job.totalRows.toLocaleString()} rows done
        </Text>
        <Group gap="xs" wrap="wrap">
          {Object.entries(job.outcomes).map(([outcome, count]) => (
            <Badge key={outcome} variant="outline" color={outcome === 'invalid' ? 'red' : outcome === 'skipped' ? 'gray' : 'green'}>
              {OUTCOME_LABELS[outcome] ?? outcome}: {count.toLocaleString()}
            </Badge>
          ))}
        </Group>
        {job.error && <Alert color="red">{job.error}</Alert>}
        {job.delivery === 'link' && !job.dryRun && (
          <Text size="sm" c="dimmed">
            The results file holds each invited customer's link to set a password. Downloading it again issues new links, and the links in an earlier file stop working.
          </Text>
        )}
        <Group>
          <Button variant="default" onClick={() => void download()} loading={downloading} disabled={job.processedRows === 0 && !isFinished(job)}>
            Download the results (CSV)
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export default function ImportUsersPage() {
  const [params, setParams] = useSearchParams();
  const jobId = params.get('import');
  const queryClient = useQueryClient();
  const [source, setSource] = useState<Source>('file');
  const [addresses, setAddresses] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [delivery, setDelivery] = useState<ImportDelivery>('email');

  const job = useQuery({
    queryKey: ['imports', jobId],
    queryFn: () => importsApi.get(jobId!),
    enabled: jobId !== null,
    // Followed every second until it has finished.
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data) ? false : 1000),
  });

  const chosen = source === 'file' ? uploadedFile(file) : addressesFile(addresses);

  // A second click before the first answer (a double click) sends nothing: one file, one import.
  const sending = useRef(false);
  const start = useMutation({
    mutationFn: (dryRun: boolean) => importsApi.start(chosen!, { dryRun, delivery }),
    onSettled: () => {
      sending.current = false;
    },
    onSuccess: (started) => {
      queryClient.setQueryData(['imports', started.id], started);
      setParams({ import: started.id });
      if (!started.dryRun) void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });

  const cancel = useMutation({
    mutationFn: () => importsApi.cancel(jobId!),
    onSuccess: (stopped) => queryClient.setQueryData(['imports', stopped.id], stopped),
    onError: (error) => notifications.show({ color: 'red', title: 'The import could not be stopped', message: errorMessage(error) }),
  });

  const send = (dryRun: boolean) => {
    if (sending.current) return;
    sending.current = true;
    start.mutate(dryRun);
  };

  const running = job.data !== undefined && !isFinished(job.data);
  const busy = start.isPending || running;
  const checked = job.data?.dryRun === true && job.data.state === 'completed';

  return (
    <>
      <PageHeader
        title="Add multiple users"
        description="Invite a list of addresses, or import customers from a CSV file of any size. Check the file first: nothing is written until you import."
        actions={
          <Button component={Link} to="/users" variant="default">
            Back to Users
          </Button>
        }
      />
      <Stack gap="lg" maw={760}>
        <SegmentedControl
          value={source}
          onChange={(value) => setSource(value as Source)}
          data={[
            { value: 'file', label: 'Upload a file' },
            { value: 'addresses', label: 'Type addresses' },
          ]}
          aria-label="What to import"
        />
        {source === 'file' ? (
          <Stack gap="xs">
            <FileInput label="CSV or JSON Lines file" accept=".csv,.jsonl,.ndjson,text/csv" value={file} onChange={setFile} clearable />
            <Text size="sm" c="dimmed">
              A header line, then a row per customer: <Code>username,givenname,familyname,groups</Code> (groups by name, separated by <Code>|</Code>). To bring existing passwords from another system, add{' '}
              <Code>passwordhash,passwordhashscheme</Code> (bcrypt, pbkdf2-sha256, scrypt, argon2id); those customers keep their password and get no invitation.
            </Text>
          </Stack>
        ) : (
          <Textarea
            label="Email addresses"
            description="One per line, or separated by commas"
            autosize
            minRows={4}
            maxRows={12}
            value={addresses}
            onChange={(event) => setAddresses(event.currentTarget.value)}
          />
        )}
        <Radio.Group label="Invitations" value={delivery} onChange={(value) => setDelivery(value as ImportDelivery)}>
          <Stack gap="xs" mt="xs">
            <Radio value="email" label="Mail each new customer an invitation to set a password" />
            <Radio value="link" label="Give me the invitation links (in the results file) to pass on myself" />
            <Radio value="none" label="Send nothing (customers set a password with “Forgot password”)" />
          </Stack>
        </Radio.Group>
        {start.isError && (
          <Alert color="red" title="The file was not accepted">
            {errorMessage(start.error)}
          </Alert>
        )}
        <Group>
          <Button variant="default" disabled={!chosen || busy} loading={start.isPending && start.variables} onClick={() => send(true)}>
            Check the file
          </Button>
          <Button disabled={!chosen || busy} loading={start.isPending && !start.variables} onClick={() => send(false)}>
            {checked ? 'Import these rows' : 'Import'}
          </Button>
        </Group>
        {job.isError && <Alert color="red">{errorMessage(job.error)}</Alert>}
        {job.data && <JobStatus job={job.data} onCancel={() => cancel.mutate()} cancelling={cancel.isPending} />}
        {job.data?.state === 'completed' && !job.data.dryRun && (
          <Anchor component={Link} to="/users">
            See the customers
          </Anchor>
        )}
      </Stack>
    </>
  );
}
