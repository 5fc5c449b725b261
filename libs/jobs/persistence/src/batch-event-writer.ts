import { EntityManager } from 'typeorm';
import { canTransition, JobError, JobEvent, JobStatus, planEvent, TransitionStep } from '@validahub/jobs-domain';
import type { ApplyOutcome } from './apply-outcome';
import { AuditRow, insertAuditRows } from './audit-rows';
import { UnnestColumns, unnestRows } from './sql/parameters';

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

/** The columns the batch locks and reads, and writes back from the replayed state. */
const JOB_COLUMNS = {
  id: ['uuid', 'id'],
  status: ['text', 'status'],
  attempts: ['int', 'attempts'],
  progress: ['numeric', 'progress'],
  message: ['text', 'message'],
  started_at: ['timestamptz', 'startedAt'],
  finished_at: ['timestamptz', 'finishedAt'],
  error: ['jsonb', 'error'],
  result_ref: ['text', 'resultRef'],
  summary: ['jsonb', 'summary'],
} as const satisfies UnnestColumns<JobState>;
const COLUMN_NAMES = Object.keys(JOB_COLUMNS);

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
    `SELECT ${COLUMN_NAMES.join(', ')} FROM jobs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  const jobs = new Map(rows.map((row) => [row.id as string, toState(row)]));
  const audit: AuditRow[] = [];
  const outcomes = events.map((event) => applyInMemory(jobs.get(event.jobId), event, audit));
  const changed = [...jobs.values()].filter((job) => job.changed);
  if (changed.length) await writeRows(manager, changed);
  await insertAuditRows(manager, audit);
  return outcomes;
}

function applyInMemory(job: JobState | undefined, event: JobEvent, audit: AuditRow[]): ApplyOutcome {
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
    audit.push({
      jobId: job.id,
      from: step.from,
      to: step.to,
      attempt: job.attempts,
      progress: job.progress,
      message: step.message,
      actor: 'worker',
      at: step.at,
    });
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
  const source = unnestRows(jobs, JOB_COLUMNS, 'u');
  const sets = COLUMN_NAMES.filter((name) => name !== 'id').map((name) => `${name} = u.${name}`);
  await manager.query(`UPDATE jobs AS j SET ${sets.join(', ')}, updated_at = now() FROM ${source.sql} WHERE j.id = u.id`, source.params);
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
