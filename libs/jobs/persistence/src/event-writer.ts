import { DataSource } from 'typeorm';
import { JobEvent } from '@validahub/jobs-domain';
import type { ApplyOutcome } from './apply-outcome';
import { applyBatchLocked, BatchStepRefused } from './batch-event-writer';

/**
 * Applies one worker event in one transaction: lock the job row, let the domain decide what
 * the event means for the job as it is now, write the guarded updates and their audit rows.
 * Replays and stale events come back as `ignored` and change nothing. Database errors
 * propagate, so the caller leaves the event pending and retries it.
 */
export async function applyJobEvent(dataSource: DataSource, event: JobEvent): Promise<ApplyOutcome> {
  try {
    const [outcome] = await dataSource.transaction((manager) => applyBatchLocked(manager, [event]));
    return outcome;
  } catch (error) {
    if (error instanceof BatchStepRefused) return { kind: 'ignored', reason: error.message };
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
