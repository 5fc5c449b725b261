import type { TaskContext, TaskResult } from '@validahub/jobs-tasks';
import type { AttemptExecution } from './task-executor';

/** Why the runtime aborted a handler. `lock_lost`: BullMQ could not renew the job's lock (another worker may own it now). */
export type AbortReason = 'cancelled' | 'time_limit' | 'shutdown' | 'lock_lost';

export type RunOutcome =
  | { kind: 'succeeded'; result: TaskResult }
  | { kind: 'threw'; error: unknown }
  /** `abandoned`: the handler ignored the abort past the grace period; it was killed (sandbox) or left behind (in-process). */
  | { kind: 'aborted'; reason: AbortReason; detail?: string; error?: unknown; abandoned: boolean };

export interface JobRunOptions {
  timeLimitMs: number;
  /** How long an aborted handler gets to stop before the runtime kills it (or, in-process, stops waiting for it). */
  abortGraceMs: number;
}

/**
 * One attempt of one job: owns its AbortController, its time limit and the rule that an
 * attempt ends once. The first of (handler settles, abort + grace runs out) decides the
 * outcome; an abort that arrives after the handler settled is ignored, and only the first
 * abort reason counts, so a cancel racing completion yields exactly one outcome.
 */
export class JobRun {
  private readonly controller = new AbortController();
  private abortReason: { reason: AbortReason; detail?: string } | null = null;
  private settled = false;
  private execution?: AttemptExecution;
  private releaseAbandoned: (outcome: RunOutcome) => void = () => undefined;
  private readonly abandoned = new Promise<RunOutcome>((resolve) => (this.releaseAbandoned = resolve));
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: JobRunOptions) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the abort was accepted (the attempt was still running and not aborted already). */
  abort(reason: AbortReason, detail?: string): boolean {
    if (this.settled || this.abortReason) return false;
    this.abortReason = { reason, detail };
    this.controller.abort(reason);
    // A handler that ignores its signal is not awaited forever: after the grace period the
    // attempt ends without it, and its execution is killed (a sandbox thread is terminated,
    // which stops even a loop that never yields).
    this.timers.push(
      setTimeout(() => {
        this.releaseAbandoned({ kind: 'aborted', reason, detail, abandoned: true });
        this.execution?.kill();
      }, this.options.abortGraceMs),
    );
    return true;
  }

  /** Runs the attempt; an abort that came before this call is seen by the handler as an aborted signal. */
  async execute(execution: AttemptExecution, ctx: Omit<TaskContext, 'signal'>): Promise<RunOutcome> {
    this.execution = execution;
    this.timers.push(setTimeout(() => this.abort('time_limit'), this.options.timeLimitMs));
    const finished = runHandler(execution, { ...ctx, signal: this.controller.signal }).then((settled) => this.interpret(settled));
    try {
      return await Promise.race([finished, this.abandoned]);
    } finally {
      this.settled = true;
      this.timers.forEach(clearTimeout);
      this.timers = [];
    }
  }

  private interpret(settled: { ok: true; result: TaskResult } | { ok: false; error: unknown }): RunOutcome {
    this.settled = true;
    if (settled.ok) return { kind: 'succeeded', result: settled.result };
    if (this.abortReason) return { kind: 'aborted', ...this.abortReason, error: settled.error, abandoned: false };
    return { kind: 'threw', error: settled.error };
  }
}

async function runHandler(execution: AttemptExecution, ctx: TaskContext) {
  try {
    const result = await execution.run(ctx);
    return { ok: true as const, result: result ?? {} };
  } catch (error) {
    return { ok: false as const, error };
  }
}
