import { isPlan, Plan } from './plans';
import { isTraceparent, isUuid } from './events';

/** What the gateway puts in a BullMQ job: enough to run it without a database. */
export interface JobPayload {
  jobId: string;
  task: string;
  params: unknown;
  plan: Plan;
  correlationId: string;
  /** Total attempts allowed (1 + retries). */
  maxAttempts: number;
  timeLimitSeconds: number;
  /** ISO time after which the job must not start. */
  expiresAt: string | null;
  /**
   * Attempts already started before this BullMQ job existed (the reconciler re-enqueues a job
   * Redis lost): attempt numbers continue from here, so BullMQ's count restarting at 0 never
   * reuses a number. Absent means 0.
   */
  attemptBase?: number;
  /**
   * Whose job it is: the worker confines every storage path to this tenant's prefix. Absent on
   * payloads written before tenancy, which run as the anonymous tenant.
   */
  tenantId?: string;
  /**
   * The most attempts of this tenant that may run at once in this tier, across every worker
   * replica (its plan's "running at once", or the tenant's override). Absent: not limited
   * beyond the workers' own concurrency (limits off, open mode, payloads written before it).
   */
  runningLimit?: number;
  /**
   * HMAC by the gateway over job id, tenant, task, params and running limit (see jobs-queueing
   * `signPayload`). What a worker cannot re-check itself (an input in a bucket the tenant is
   * allowed) it accepts only from a signed payload.
   */
  signature?: string;
  /**
   * W3C trace context of the gateway's span that enqueued the job (tracing on): the worker's
   * attempt continues that trace. Not signed: it grants nothing.
   */
  traceparent?: string;
}

/** The attempt number a BullMQ job with `attemptsMade` previous runs is on. */
export function attemptNumber(payload: Pick<JobPayload, 'attemptBase'>, attemptsMade: number): number {
  return (payload.attemptBase ?? 0) + attemptsMade + 1;
}

/** Validates a payload read back from Redis (untrusted): returns the problems, empty when fine. */
export function payloadProblems(raw: unknown): string[] {
  if (!raw || typeof raw !== 'object') return ['payload is not an object'];
  const p = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (!isUuid(p.jobId)) problems.push('jobId is not a UUID');
  if (typeof p.task !== 'string' || !p.task) problems.push('task is missing');
  if (!isPlan(p.plan)) problems.push('plan is invalid');
  if (typeof p.correlationId !== 'string') problems.push('correlationId is missing');
  if (!Number.isInteger(p.maxAttempts) || (p.maxAttempts as number) < 1) problems.push('maxAttempts must be >= 1');
  if (!Number.isInteger(p.timeLimitSeconds) || (p.timeLimitSeconds as number) < 1) problems.push('timeLimitSeconds must be >= 1');
  if (p.expiresAt !== null && (typeof p.expiresAt !== 'string' || Number.isNaN(Date.parse(p.expiresAt)))) problems.push('expiresAt is not a date');
  if (p.attemptBase !== undefined && (!Number.isInteger(p.attemptBase) || (p.attemptBase as number) < 0))
    problems.push('attemptBase must be a whole number >= 0');
  if (p.tenantId !== undefined && !isUuid(p.tenantId)) problems.push('tenantId is not a UUID');
  if (p.runningLimit !== undefined && (!Number.isSafeInteger(p.runningLimit) || (p.runningLimit as number) < 1))
    problems.push('runningLimit must be a whole number >= 1');
  if (p.signature !== undefined && (typeof p.signature !== 'string' || !/^[0-9a-f]{64}$/.test(p.signature)))
    problems.push('signature is not a hex HMAC-SHA256');
  if (p.traceparent !== undefined && !isTraceparent(p.traceparent)) problems.push('traceparent is not a W3C traceparent');
  return problems;
}
