import { DataSource, EntityManager } from 'typeorm';
import { canTransition, JobEvent, JobStatus, planEvent, TransitionStep } from '@validahub/jobs-domain';
import { guardedTransition, TransitionChanges } from './transitions';
import { applyBatchLocked, BatchStepRefused } from './batch-event-writer';

export type ApplyOutcome =
  | { kind: 'unknown-job' }
  | { kind: 'ignored'; reason: string }
  | { kind: 'progress' }
  | { kind: 'transition'; statuses: JobStatus[] };

class StepRefused extends Error {}

/**
 * Applies one worker event in one transaction: lock the job row, let the domain decide what
 * the event means for the job as it is now, write the guarded updates and their audit rows.
 * Replays and stale events come back as `ignored` and change nothing. Database errors
 * propagate, so the caller leaves the event pending and retries it.
 */
export async function applyJobEvent(dataSource: DataSource, event: JobEvent): Promise<ApplyOutcome> {
  try {
    return await dataSource.transaction((manager) => applyLocked(manager, event));
  } catch (error) {
    if (error instanceof StepRefused) return { kind: 'ignored', reason: error.message };
    throw error;
  }
}

/**
 * Applies a batch of events in one transaction with a fixed number of statements (see
 * applyBatchLocked), which is what keeps the applier ahead of busy workers. Rows are locked in
 * job-id order so two replicas applying overlapping batches cannot deadlock; each job's events
 * keep their stream order. Should one event be refused, the batch is rolled back and replayed
 * one event per transaction, so a single bad event never blocks the others.
 */
export async function applyJobEvents(dataSource: DataSource, events: readonly JobEvent[]): Promise<ApplyOutcome[]> {
  if (events.length <= 1) return Promise.all(events.map((event) => applyJobEvent(dataSource, event)));
  try {
    return await dataSource.transaction((manager) => applyBatchLocked(manager, events));
  } catch (error) {
    if (!(error instanceof BatchStepRefused)) throw error;
    const outcomes: ApplyOutcome[] = [];
    for (const event of events) outcomes.push(await applyJobEvent(dataSource, event));
    return outcomes;
  }
}

async function applyLocked(manager: EntityManager, event: JobEvent): Promise<ApplyOutcome> {
  const rows: { status: JobStatus; attempts: number }[] = await manager.query(
    'SELECT status, attempts FROM jobs WHERE id = $1 FOR UPDATE',
    [event.jobId],
  );
  if (rows.length === 0) return { kind: 'unknown-job' };
  const plan = planEvent(rows[0], event);
  if (plan.kind === 'ignore') return { kind: 'ignored', reason: plan.reason };
  if (plan.kind === 'progress') {
    await manager.query(
      `UPDATE jobs SET progress = GREATEST(0, LEAST(100, $2::numeric)), message = COALESCE($3, message), updated_at = now()
       WHERE id = $1 AND status = 'running' AND attempts = $4`,
      [event.jobId, plan.progress, plan.message, plan.attempt],
    );
    return { kind: 'progress' };
  }
  for (const step of plan.steps) {
    const isNewAttempt = step.from === 'running' && step.to === 'running';
    if (!isNewAttempt && !canTransition(step.from, step.to)) throw new StepRefused(`transition ${step.from} -> ${step.to} is not allowed`);
    const moved = await guardedTransition(manager, {
      jobId: event.jobId,
      from: [step.from],
      to: step.to,
      attempt: step.attempt,
      at: step.at,
      message: step.message,
      actor: 'worker',
      changes: changesFor(step, event),
    });
    // Cannot happen under the row lock unless the plan is wrong: roll back rather than half-apply.
    if (!moved) throw new StepRefused(`job was not ${step.from} for ${step.from} -> ${step.to}`);
  }
  return { kind: 'transition', statuses: plan.steps.map((s) => s.to) };
}

function changesFor(step: TransitionStep, event: JobEvent): TransitionChanges {
  switch (step.to) {
    case 'running':
      return { startedAt: step.at, progress: 0 };
    case 'succeeded':
      return {
        finishedAt: step.at,
        progress: 100,
        error: null,
        resultRef: event.type === 'succeeded' ? (event.resultRef ?? null) : null,
        summary: event.type === 'succeeded' ? (event.summary ?? null) : null,
      };
    case 'failed':
      return { finishedAt: step.at, error: event.type === 'failed' ? event.error : undefined };
    case 'retrying':
      return { error: event.type === 'retrying' ? event.error : undefined };
    case 'cancelled':
    case 'expired':
      return { finishedAt: step.at };
    default:
      return {};
  }
}
