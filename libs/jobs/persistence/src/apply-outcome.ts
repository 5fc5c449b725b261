import { JobStatus } from '@validahub/jobs-domain';

/** What applying one worker event did to its job. */
export type ApplyOutcome =
  { kind: 'unknown-job' } | { kind: 'ignored'; reason: string } | { kind: 'progress' } | { kind: 'transition'; statuses: JobStatus[] };
