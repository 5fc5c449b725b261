import { EnvReader } from '../env-reader';

const PLAN_NAMES = ['free', 'pro', 'business', 'enterprise'] as const;
export type WorkerPlanName = (typeof PLAN_NAMES)[number];

export interface WorkerConfig {
  /** Plans (queues) this process serves; a tier app fixes its own, WORKER_PLANS can list several. */
  plans: WorkerPlanName[];
  /** Overrides the tier's default concurrency when set. */
  concurrency?: number;
  /** Seconds a stopping worker lets running jobs finish before handing them back. */
  shutdownGraceSeconds: number;
  /** Minimum milliseconds between two progress reports of one job. */
  progressThrottleMs: number;
  /** Port of the worker's health and metrics endpoint (/health/live, /health/ready, /metrics); off when unset. */
  httpPort?: number;
  /**
   * Sandbox threads each pool keeps started while no attempt runs (TASK_SANDBOX_WARM_THREADS,
   * default 0: an idle worker holds no thread, ~35 MB of RSS each; the first attempt after an idle
   * spell pays the thread's start, ~0.3-0.6 s from a build on a loaded 2-core VM).
   */
  sandboxWarmThreads: number;
  /** Milliseconds an idle sandbox thread above the warm ones lives before it ends (TASK_SANDBOX_IDLE_MS). */
  sandboxIdleMs: number;
  /** Registers the test-only tasks (noop/sleep/flaky) used by benchmarks and fault-injection tests. */
  enableTestTasks: boolean;
}

export function readWorker(env: EnvReader): WorkerConfig {
  const plans = env.list('WORKER_PLANS');
  const bad = plans.filter((p) => !(PLAN_NAMES as readonly string[]).includes(p));
  if (bad.length) env.problem('WORKER_PLANS', `has unknown plan(s) ${bad.join(', ')}; allowed: ${PLAN_NAMES.join(', ')}`);
  const concurrency = env.raw('WORKER_CONCURRENCY') ? env.int('WORKER_CONCURRENCY', 1, { min: 1, max: 1000 }) : undefined;
  return {
    plans: plans.filter((p): p is WorkerPlanName => (PLAN_NAMES as readonly string[]).includes(p)),
    concurrency,
    shutdownGraceSeconds: env.int('WORKER_SHUTDOWN_GRACE_SECONDS', 30, { min: 0 }),
    progressThrottleMs: env.int('PROGRESS_THROTTLE_MS', 500, { min: 0 }),
    httpPort: env.raw('WORKER_HTTP_PORT') ? env.int('WORKER_HTTP_PORT', 0, { min: 0, max: 65_535 }) : undefined,
    sandboxWarmThreads: env.int('TASK_SANDBOX_WARM_THREADS', 0, { min: 0, max: 64 }),
    sandboxIdleMs: env.int('TASK_SANDBOX_IDLE_MS', 60_000, { min: 100 }),
    enableTestTasks: env.bool('ENABLE_TEST_TASKS', false),
  };
}
