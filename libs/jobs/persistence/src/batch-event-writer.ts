import { EntityManager } from 'typeorm';
import { canTransition, JobError, JobEvent, JobStatus, planEvent, TransitionStep } from '@validahub/jobs-domain';
import type { ApplyOutcome } from './event-writer';

/** The columns a worker event can change, as locked at the start of the batch. */
interface JobState {
  id: string;
  status: JobStatus;
  attempts: number;
  progress: number;
  message: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: JobError | null;
  resultRef: string | null;
  summary: Record<string, unknown> | null;
  changed: boolean;
}

interface AuditValues {
  jobId: string;
  from: JobStatus;
  to: JobStatus;
  attempt: number;
  progress: number;
  message: string | null;
  at: string;
}

/** A plan the domain produced that the table would refuse: the caller falls back to per-event writes. */
export class BatchStepRefused extends Error {}

/**
 * Applies a batch with a fixed number of statements whatever its size: lock every job it
 * touches (in id order), replay each job's events in memory through the domain's planEvent,
 * then write the final rows with one UPDATE and all audit rows with one INSERT. Holding the
 * row locks from read to write is what makes the in-memory replay a guarded transition.
 */
export async function applyBatchLocked(manager: EntityManager, events: readonly JobEvent[]): Promise<ApplyOutcome[]> {
  const ids = [...new Set(events.map((e) => e.jobId))].sort();
  const rows: Record<string, unknown>[] = await manager.query(
    `SELECT id, status, attempts, progress, message, started_at, finished_at, error, result_ref, summary
       FROM jobs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  const jobs = new Map(rows.map((row) => [row.id as string, toState(row)]));
  const audit: AuditValues[] = [];
  const outcomes = events.map((event) => applyInMemory(jobs.get(event.jobId), event, audit));
  const changed = [...jobs.values()].filter((job) => job.changed);
  if (changed.length) await writeRows(manager, changed);
  if (audit.length) await writeAudit(manager, audit);
  return outcomes;
}

function applyInMemory(job: JobState | undefined, event: JobEvent, audit: AuditValues[]): ApplyOutcome {
  if (!job) return { kind: 'unknown-job' };
  const plan = planEvent(job, event);
  if (plan.kind === 'ignore') return { kind: 'ignored', reason: plan.reason };
  job.changed = true;
  if (plan.kind === 'progress') {
    job.progress = Math.max(0, Math.min(100, plan.progress));
    job.message = plan.message ?? job.message;
    return { kind: 'progress' };
  }
  for (const step of plan.steps) {
    const newAttempt = step.from === 'running' && step.to === 'running';
    if (step.from !== job.status || (!newAttempt && !canTransition(step.from, step.to))) {
      throw new BatchStepRefused(`transition ${step.from} -> ${step.to} refused for a ${job.status} job`);
    }
    applyStep(job, step, event);
    audit.push({ jobId: job.id, from: step.from, to: step.to, attempt: job.attempts, progress: job.progress, message: step.message, at: step.at });
  }
  return { kind: 'transition', statuses: plan.steps.map((s) => s.to) };
}

/** The column changes that go with each status a worker event moves a job to. */
function applyStep(job: JobState, step: TransitionStep, event: JobEvent): void {
  job.status = step.to;
  job.attempts = step.attempt;
  job.message = step.message;
  switch (step.to) {
    case 'running':
      job.startedAt = job.startedAt ?? step.at;
      job.progress = 0;
      break;
    case 'succeeded':
      job.finishedAt = step.at;
      job.progress = 100;
      job.error = null;
      job.resultRef = event.type === 'succeeded' ? (event.resultRef ?? null) : null;
      job.summary = event.type === 'succeeded' ? (event.summary ?? null) : null;
      break;
    case 'failed':
      job.finishedAt = step.at;
      if (event.type === 'failed') job.error = event.error;
      break;
    case 'retrying':
      if (event.type === 'retrying') job.error = event.error;
      break;
    case 'cancelled':
    case 'expired':
      job.finishedAt = step.at;
      break;
  }
}

async function writeRows(manager: EntityManager, jobs: JobState[]): Promise<void> {
  const column = <T>(pick: (job: JobState) => T) => jobs.map(pick);
  await manager.query(
    `UPDATE jobs AS j SET
        status = u.status, attempts = u.attempts, progress = u.progress, message = u.message,
        started_at = u.started_at, finished_at = u.finished_at, error = u.error,
        result_ref = u.result_ref, summary = u.summary, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::numeric[], $5::text[], $6::timestamptz[],
                   $7::timestamptz[], $8::jsonb[], $9::text[], $10::jsonb[])
         AS u(id, status, attempts, progress, message, started_at, finished_at, error, result_ref, summary)
      WHERE j.id = u.id`,
    [
      column((j) => j.id), column((j) => j.status), column((j) => j.attempts), column((j) => j.progress),
      column((j) => j.message), column((j) => j.startedAt), column((j) => j.finishedAt),
      column((j) => json(j.error)), column((j) => j.resultRef), column((j) => json(j.summary)),
    ],
  );
}

async function writeAudit(manager: EntityManager, rows: AuditValues[]): Promise<void> {
  const column = <T>(pick: (row: AuditValues) => T) => rows.map(pick);
  await manager.query(
    `INSERT INTO job_events (job_id, from_status, to_status, attempt, progress, message, actor, at)
     SELECT job_id, from_status, to_status, attempt, progress, message, 'worker', at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::numeric[], $6::text[], $7::timestamptz[])
         AS a(job_id, from_status, to_status, attempt, progress, message, at)`,
    [column((r) => r.jobId), column((r) => r.from), column((r) => r.to), column((r) => r.attempt), column((r) => r.progress), column((r) => r.message), column((r) => r.at)],
  );
}

function toState(row: Record<string, unknown>): JobState {
  return {
    id: row.id as string,
    status: row.status as JobStatus,
    attempts: row.attempts as number,
    progress: Number(row.progress),
    message: (row.message as string | null) ?? null,
    startedAt: row.started_at ? (row.started_at as Date).toISOString() : null,
    finishedAt: row.finished_at ? (row.finished_at as Date).toISOString() : null,
    error: (row.error as JobError | null) ?? null,
    resultRef: (row.result_ref as string | null) ?? null,
    summary: (row.summary as Record<string, unknown> | null) ?? null,
    changed: false,
  };
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
