import { EntityManager } from 'typeorm';
import { JobError, JobStatus } from '@validahub/jobs-domain';
import { insertAuditRow } from './audit-rows';
import { JobEventActor } from './entities/job-event.entity';
import { jsonParam } from './sql/parameters';
import { returnedRows } from './sql/raw-rows';

/** Column changes that go with a status change. */
export interface TransitionChanges {
  progress?: number;
  /** Kept when already set: `started_at` is when the job first started. */
  startedAt?: Date | string;
  finishedAt?: Date | string;
  error?: JobError | null;
  resultRef?: string | null;
  summary?: Record<string, unknown> | null;
}

export interface TransitionRequest {
  jobId: string;
  /** Limits the update to one tenant's job (API paths); omitted by the event applier. */
  tenantId?: string;
  /** Statuses the job must be in for the update to happen (the guard). */
  from: readonly JobStatus[];
  to: JobStatus;
  /** Sets `attempts`; omitted, the job keeps its count (and the audit row records it). */
  attempt?: number;
  at: Date | string;
  message: string | null;
  actor: JobEventActor;
  changes?: TransitionChanges;
}

/**
 * The guarded status change: `UPDATE ... WHERE status IN (from)` plus its audit row, both on
 * the caller's transaction. Returns false, writing nothing, when the guard did not match
 * (another writer moved the job first), so a transition the table forbids is never written.
 */
export async function guardedTransition(manager: EntityManager, request: TransitionRequest): Promise<boolean> {
  const values: unknown[] = [request.jobId, request.to, request.message];
  const sets = ['status = $2', 'message = $3', 'updated_at = now()'];
  const set = (column: string, value: unknown, expression = (p: string) => p) => {
    values.push(value);
    sets.push(`${column} = ${expression(`$${values.length}`)}`);
  };
  const changes = request.changes ?? {};
  if (request.attempt !== undefined) set('attempts', request.attempt);
  if (changes.progress !== undefined) set('progress', changes.progress);
  if (changes.startedAt !== undefined) set('started_at', changes.startedAt, (p) => `COALESCE(started_at, ${p}::timestamptz)`);
  if (changes.finishedAt !== undefined) set('finished_at', changes.finishedAt);
  if (changes.error !== undefined) set('error', jsonParam(changes.error), (p) => `${p}::jsonb`);
  if (changes.resultRef !== undefined) set('result_ref', changes.resultRef);
  if (changes.summary !== undefined) set('summary', jsonParam(changes.summary), (p) => `${p}::jsonb`);

  values.push([...request.from]);
  let guard = `id = $1 AND status = ANY($${values.length}::text[])`;
  if (request.tenantId !== undefined) {
    values.push(request.tenantId);
    guard += ` AND tenant_id = $${values.length}`;
  }
  // The CTE locks the row and remembers the status it had, which the audit row records.
  const updated: { from_status: JobStatus; progress: string; attempts: number }[] = await returnedRows(
    manager.query(
      `WITH previous AS (SELECT id, status FROM jobs WHERE ${guard} FOR UPDATE)
       UPDATE jobs SET ${sets.join(', ')} FROM previous WHERE jobs.id = previous.id
       RETURNING previous.status AS from_status, jobs.progress, jobs.attempts`,
      values,
    ),
  );
  if (updated.length === 0) return false;
  await insertAuditRow(manager, {
    jobId: request.jobId,
    from: updated[0].from_status,
    to: request.to,
    attempt: updated[0].attempts,
    progress: Number(updated[0].progress),
    message: request.message,
    actor: request.actor,
    at: request.at,
  });
  return true;
}
