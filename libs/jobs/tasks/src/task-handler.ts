/** Structured logger a handler receives, already bound to the job's id, task, attempt and correlation id. */
export interface TaskLogger {
  debug(obj: Record<string, unknown>, message?: string): void;
  info(obj: Record<string, unknown>, message?: string): void;
  warn(obj: Record<string, unknown>, message?: string): void;
  error(obj: Record<string, unknown>, message?: string): void;
}

/** What the worker runtime hands to a task handler for one attempt of one job. */
export interface TaskContext<P = unknown> {
  jobId: string;
  /** 1-based attempt number (first run = 1, first retry = 2). */
  attempt: number;
  /**
   * Random per run of an attempt (a job recovered after a stall runs the same attempt again):
   * results are stored under job, attempt and run, so no two runs share an object key.
   */
  runId: string;
  /** Params already parsed and defaulted by the task registry. */
  params: P;
  correlationId: string;
  /** The job's tenant, once job payloads carry it (tenancy); tenant-scoped storage keys take it. */
  tenantId?: string;
  /** Aborted on cancel, time limit or shutdown; `signal.reason` says which. Pass it to every I/O call. */
  signal: AbortSignal;
  /** Progress 0..100 with a human message; throttled by the runtime, the last report always goes out. */
  reportProgress(percent: number, message?: string): void;
  logger: TaskLogger;
}

export interface TaskResult {
  resultRef?: string | null;
  summary?: Record<string, unknown> | null;
}

/**
 * A task's code. Throw PermanentJobError for what another attempt cannot fix and
 * TransientJobError for what it may; never swallow an error.
 */
export type TaskHandler<P = unknown> = (ctx: TaskContext<P>) => Promise<TaskResult>;

/** The handlers a worker runs, by task name; built from the task list (see registry.ts). */
export type TaskHandlers = Readonly<Partial<Record<string, TaskHandler>>>;
