import { JobError } from './errors';
import { isJobStatus, isTerminal, JobStatus } from './status';

/**
 * What a worker reports about a job; the gateway applies these to Postgres. Every event may also
 * carry the W3C `traceparent` of the worker's span that sent it (tracing on), so its application
 * joins the job's trace (see TracedEvent).
 */
export type JobEvent = (
  | { type: 'started'; jobId: string; attempt: number; at: string; worker?: string }
  | { type: 'progress'; jobId: string; attempt: number; at: string; progress: number; message?: string }
  | {
      type: 'succeeded';
      jobId: string;
      attempt: number;
      at: string;
      startedAt: string;
      resultRef?: string | null;
      summary?: Record<string, unknown> | null;
    }
  | { type: 'failed'; jobId: string; attempt: number; at: string; startedAt?: string; error: JobError }
  | { type: 'retrying'; jobId: string; attempt: number; at: string; startedAt: string; error: JobError; nextAttemptAt?: string }
  | { type: 'cancelled'; jobId: string; attempt: number; at: string; startedAt?: string; reason?: string }
  | { type: 'expired'; jobId: string; attempt: number; at: string }
) & { traceparent?: string };

export type JobEventType = JobEvent['type'];
export const JOB_EVENT_TYPES: readonly JobEventType[] = ['started', 'progress', 'succeeded', 'failed', 'retrying', 'cancelled', 'expired'];

/** A W3C trace context header value: version 00, 32 hex trace id, 16 hex span id, flags (ids not all zero). */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && TRACEPARENT.test(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Parses an event read from Redis (untrusted): returns null for anything malformed. A malformed
 * `traceparent` is dropped, not the event: tracing metadata never costs a job its transition.
 */
export function parseJobEvent(raw: unknown): JobEvent | null {
  if (!raw || typeof raw !== 'object') return null;
  const e = withValidTraceparent(raw as Record<string, unknown>);
  if (!JOB_EVENT_TYPES.includes(e.type as JobEventType)) return null;
  if (!isUuid(e.jobId) || !Number.isInteger(e.attempt) || (e.attempt as number) < 0) return null;
  if (typeof e.at !== 'string' || Number.isNaN(Date.parse(e.at))) return null;
  switch (e.type) {
    case 'progress':
      return typeof e.progress === 'number' && e.progress >= 0 && e.progress <= 100 ? (e as JobEvent) : null;
    case 'succeeded':
    case 'retrying':
      if (typeof e.startedAt !== 'string') return null;
      if (e.type === 'retrying' && !isJobError(e.error)) return null;
      return e as JobEvent;
    case 'failed':
      return isJobError(e.error) ? (e as JobEvent) : null;
    default:
      return e as JobEvent;
  }
}

function withValidTraceparent(e: Record<string, unknown>): Record<string, unknown> {
  if (e.traceparent === undefined || isTraceparent(e.traceparent)) return e;
  const { traceparent: _dropped, ...rest } = e;
  return rest;
}

function isJobError(value: unknown): value is JobError {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string' && typeof v.retryable === 'boolean';
}

/** The job as the applier sees it before an event. */
export interface JobSnapshot {
  status: JobStatus;
  attempts: number;
}

export interface TransitionStep {
  from: JobStatus;
  to: JobStatus;
  attempt: number;
  at: string;
  message: string | null;
}

export type EventPlan =
  | { kind: 'ignore'; reason: string }
  | { kind: 'progress'; attempt: number; progress: number; message: string | null }
  /**
   * Steps to write in order (a `running -> running` step records a new attempt on a job that was
   * already running); `attempts` is the job's attempt count once they are written.
   */
  | { kind: 'transition'; steps: TransitionStep[]; attempts: number };

/**
 * Decides what an event means for a job in a given state. Events may arrive twice or out of
 * order (two gateway replicas, redelivery after a crash), so terminal events carry their own
 * start time and imply the `running` step if it was not recorded yet; stale or duplicate
 * events are ignored. The result never contains a transition the contract forbids.
 */
export function planEvent(job: JobSnapshot, event: JobEvent): EventPlan {
  if (!isJobStatus(job.status)) return { kind: 'ignore', reason: `unknown status ${String(job.status)}` };
  if (isTerminal(job.status)) {
    return { kind: 'ignore', reason: `job already ${job.status}` };
  }
  if (event.type === 'expired') {
    return job.status === 'queued' || job.status === 'retrying'
      ? transition([{ from: job.status, to: 'expired', attempt: job.attempts, at: event.at, message: 'expired before it started' }], job.attempts)
      : { kind: 'ignore', reason: `cannot expire a ${job.status} job` };
  }
  const stale = job.status === 'running' ? event.attempt < job.attempts : event.attempt <= job.attempts && event.type !== 'cancelled';
  if (event.type === 'progress') {
    return job.status === 'running' && event.attempt === job.attempts
      ? { kind: 'progress', attempt: event.attempt, progress: event.progress, message: event.message ?? null }
      : { kind: 'ignore', reason: 'progress for an attempt that is not running' };
  }
  if (event.type === 'started') {
    if (job.status === 'running') {
      return event.attempt > job.attempts
        ? transition(
            [
              {
                from: 'running',
                to: 'running',
                attempt: event.attempt,
                at: event.at,
                message: `attempt ${event.attempt} started; attempt ${job.attempts} was lost`,
              },
            ],
            event.attempt,
          )
        : { kind: 'ignore', reason: 'duplicate start' };
    }
    if (stale) return { kind: 'ignore', reason: `start of old attempt ${event.attempt}` };
    return transition(
      [{ from: job.status, to: 'running', attempt: event.attempt, at: event.at, message: `attempt ${event.attempt} started` }],
      event.attempt,
    );
  }
  if (event.type === 'cancelled' && job.status !== 'running') {
    return transition(
      [{ from: job.status, to: 'cancelled', attempt: job.attempts, at: event.at, message: event.reason ?? 'cancelled' }],
      job.attempts,
    );
  }
  if (stale) return { kind: 'ignore', reason: `${event.type} of old attempt ${event.attempt}` };

  const steps: TransitionStep[] = [];
  const startedAt = 'startedAt' in event && event.startedAt ? event.startedAt : event.at;
  if (job.status !== 'running') {
    steps.push({ from: job.status, to: 'running', attempt: event.attempt, at: startedAt, message: `attempt ${event.attempt} started` });
  } else if (event.attempt > job.attempts) {
    steps.push({
      from: 'running',
      to: 'running',
      attempt: event.attempt,
      at: startedAt,
      message: `attempt ${event.attempt} started; attempt ${job.attempts} was lost`,
    });
  }
  steps.push({ from: 'running', to: finalStatus(event), attempt: event.attempt, at: event.at, message: describe(event) });
  return transition(steps, event.attempt);
}

function finalStatus(event: Exclude<JobEvent, { type: 'started' | 'progress' | 'expired' }>): JobStatus {
  return event.type;
}

function describe(event: JobEvent): string | null {
  switch (event.type) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return `${event.error.code}: ${event.error.message}`;
    case 'retrying':
      return `${event.error.code}: ${event.error.message}${event.nextAttemptAt ? `; next attempt at ${event.nextAttemptAt}` : ''}`;
    case 'cancelled':
      return event.reason ?? 'cancelled';
    default:
      return null;
  }
}

function transition(steps: TransitionStep[], attempts: number): EventPlan {
  return { kind: 'transition', steps, attempts };
}
