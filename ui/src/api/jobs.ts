// What imports and bulk actions share: both run on the server as background jobs
// (src/routes/api/job-responses.ts), which the pages follow until they end.

export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobProgress {
  id: string;
  state: JobState;
  totalRows: number;
  processedRows: number;
  /** Rows by outcome. */
  outcomes: Record<string, number>;
  error: string | null;
}

export function isFinished(job: Pick<JobProgress, 'state'>): boolean {
  return job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled';
}
