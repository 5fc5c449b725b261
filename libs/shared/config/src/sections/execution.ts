import { EnvReader } from '../env-reader';

export interface ExecutionConfig {
  /** Retries after the first attempt for transient errors (seed: MAX_RETRIES). */
  maxRetries: number;
  /** Seconds a task may run before it is aborted (seed: TASK_TIME_LIMIT). */
  taskTimeLimitSeconds: number;
  retryBackoffBaseMs: number;
  retryBackoffCapMs: number;
  /** Seconds a job may wait before it expires unstarted. */
  jobTtlSeconds: number;
}

export function readExecution(env: EnvReader): ExecutionConfig {
  const retryBackoffBaseMs = env.int('RETRY_BACKOFF_BASE_MS', 1000, { min: 1 });
  const retryBackoffCapMs = env.int('RETRY_BACKOFF_CAP_MS', 60_000, { min: 1 });
  if (retryBackoffCapMs < retryBackoffBaseMs) env.problem('RETRY_BACKOFF_CAP_MS', 'must be >= RETRY_BACKOFF_BASE_MS');
  return {
    maxRetries: env.int('MAX_RETRIES', 3, { min: 0, max: 100 }),
    taskTimeLimitSeconds: env.int('TASK_TIME_LIMIT', 300, { min: 1 }),
    retryBackoffBaseMs,
    retryBackoffCapMs,
    jobTtlSeconds: env.int('JOB_TTL_SECONDS', 86_400, { min: 1 }),
  };
}
