import { EnvReader } from '../env-reader';

const PLANS = ['free', 'pro', 'business', 'enterprise'] as const;
type PlanName = (typeof PLANS)[number];

const MEMORY_VARIABLE = 'TASK_MEMORY_MB';
/** Below this a sandbox cannot even load the task code (the CSV tasks and the S3 client take ~40 MB of heap). */
const MIN_MEMORY_MB = 64;
const MAX_MEMORY_MB = 16_384;
const TASK_SUFFIX = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Hard limits on one attempt of a task, enforced by the worker's sandbox and the CSV engine. */
export interface TaskLimitsConfig {
  /** V8 heap (old generation) of an attempt's sandbox, in MiB (TASK_MEMORY_MB). */
  memoryMb: number;
  /** Per-plan overrides (TASK_MEMORY_MB_FREE, ...). */
  memoryMbByPlan: Partial<Record<PlanName, number>>;
  /**
   * Per-task overrides, by task name (TASK_MEMORY_MB_CORRECT_CSV_JOB -> correct_csv_job); they
   * win over the plan's. Workers refuse to start when one names a task they do not know.
   */
  memoryMbByTask: Record<string, number>;
  /** Widest CSV header the engine accepts (MAX_COLUMNS); wider is a `too_many_columns` report. */
  maxColumns: number;
}

export function readTaskLimits(env: EnvReader): TaskLimitsConfig {
  const range = { min: MIN_MEMORY_MB, max: MAX_MEMORY_MB };
  const memoryMbByPlan: Partial<Record<PlanName, number>> = {};
  const memoryMbByTask: Record<string, number> = {};
  for (const name of env.namesStartingWith(`${MEMORY_VARIABLE}_`)) {
    const suffix = name.slice(MEMORY_VARIABLE.length + 1);
    const plan = PLANS.find((p) => p.toUpperCase() === suffix);
    if (plan) memoryMbByPlan[plan] = env.int(name, 0, range);
    else if (TASK_SUFFIX.test(suffix)) memoryMbByTask[suffix.toLowerCase()] = env.int(name, 0, range);
    else env.problem(name, `names neither a plan (${PLANS.join(', ')}) nor a task (upper-case task name, e.g. ${MEMORY_VARIABLE}_CORRECT_CSV_JOB)`);
  }
  return {
    memoryMb: env.int(MEMORY_VARIABLE, 256, range),
    memoryMbByPlan,
    memoryMbByTask,
    maxColumns: env.int('MAX_COLUMNS', 2_000, { min: 1, max: 1_000_000 }),
  };
}

/** The heap cap of one attempt: the task's own setting, else the plan's, else TASK_MEMORY_MB. */
export function taskMemoryMb(limits: TaskLimitsConfig, plan: string, task: string): number {
  return limits.memoryMbByTask[task] ?? limits.memoryMbByPlan[plan as PlanName] ?? limits.memoryMb;
}
