import { EnvReader } from '../env-reader';

const PLANS = ['free', 'pro', 'business', 'enterprise'] as const;
type PlanName = (typeof PLANS)[number];

export interface ExecutionConfig {
  /** Retries after the first attempt for transient errors (seed: MAX_RETRIES). */
  maxRetries: number;
  /** Per-plan overrides of maxRetries (MAX_RETRIES_FREE, MAX_RETRIES_PRO, ...). */
  maxRetriesByPlan: Partial<Record<PlanName, number>>;
  /** Seconds a task may run before it is aborted (seed: TASK_TIME_LIMIT). */
  taskTimeLimitSeconds: number;
  retryBackoffBaseMs: number;
  retryBackoffCapMs: number;
  /** Seconds a job may wait before it expires unstarted. */
  jobTtlSeconds: number;
  /** Per-plan overrides of jobTtlSeconds (JOB_TTL_SECONDS_FREE, ...). */
  jobTtlSecondsByPlan: Partial<Record<PlanName, number>>;
  /** Milliseconds between gateway reconciler passes (RECONCILE_INTERVAL_MS; 0 turns it off). */
  reconcileIntervalMs: number;
  /** BullMQ job lock of a worker (WORKER_LOCK_DURATION_MS): how long a dead worker's job stays locked. */
  workerLockDurationMs: number;
  /** How often workers look for stalled jobs (WORKER_STALLED_INTERVAL_MS). */
  workerStalledIntervalMs: number;
  /**
   * Fault-injection hook (TEST_CRASH_AFTER_INSERT=n): the gateway exits with 137 right after the
   * n-th create transaction commits, before enqueueing. Refused unless ENABLE_TEST_TASKS=true.
   */
  testCrashAfterInsert: number;
}

function perPlan(env: EnvReader, variable: string, range: { min?: number; max?: number }): Partial<Record<PlanName, number>> {
  const result: Partial<Record<PlanName, number>> = {};
  for (const plan of PLANS) {
    const name = `${variable}_${plan.toUpperCase()}`;
    if (env.raw(name)) result[plan] = env.int(name, 0, range);
  }
  return result;
}

export function readExecution(env: EnvReader): ExecutionConfig {
  const retryBackoffBaseMs = env.int('RETRY_BACKOFF_BASE_MS', 1000, { min: 1 });
  const retryBackoffCapMs = env.int('RETRY_BACKOFF_CAP_MS', 60_000, { min: 1 });
  if (retryBackoffCapMs < retryBackoffBaseMs) env.problem('RETRY_BACKOFF_CAP_MS', 'must be >= RETRY_BACKOFF_BASE_MS');
  const workerLockDurationMs = env.int('WORKER_LOCK_DURATION_MS', 30_000, { min: 1_000 });
  const workerStalledIntervalMs = env.int('WORKER_STALLED_INTERVAL_MS', 15_000, { min: 500 });
  const testCrashAfterInsert = env.int('TEST_CRASH_AFTER_INSERT', 0, { min: 0 });
  if (testCrashAfterInsert > 0 && !env.bool('ENABLE_TEST_TASKS', false)) {
    env.problem('TEST_CRASH_AFTER_INSERT', 'is a fault-injection hook and is only honoured with ENABLE_TEST_TASKS=true');
  }
  return {
    maxRetries: env.int('MAX_RETRIES', 3, { min: 0, max: 100 }),
    maxRetriesByPlan: perPlan(env, 'MAX_RETRIES', { min: 0, max: 100 }),
    taskTimeLimitSeconds: env.int('TASK_TIME_LIMIT', 300, { min: 1 }),
    retryBackoffBaseMs,
    retryBackoffCapMs,
    jobTtlSeconds: env.int('JOB_TTL_SECONDS', 86_400, { min: 1 }),
    jobTtlSecondsByPlan: perPlan(env, 'JOB_TTL_SECONDS', { min: 1 }),
    reconcileIntervalMs: env.int('RECONCILE_INTERVAL_MS', 10_000, { min: 0 }),
    workerLockDurationMs,
    workerStalledIntervalMs,
    testCrashAfterInsert,
  };
}
