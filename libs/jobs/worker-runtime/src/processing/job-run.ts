import type { TaskContext, TaskResult } from '@validahub/jobs-tasks';

/** Why the runtime aborted a handler. */
export type AbortReason = 'cancelled' | 'time_limit' | 'shutdown';

export type RunOutcome =
  | { kind: 'succeeded'; result: TaskResult }
  | { kind: 'threw'; error: unknown }
  /** `abandoned`: the handler ignored the abort past the grace period and was left behind. */
  | { kind: 'aborted'; reason: AbortReason; detail?: string; error?: unknown; abandoned: boolean };

export interface JobRunOptions {
  timeLimitMs: number;
  /** How long an aborted handler gets to stop before the runtime stops waiting for it. */
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
    // attempt ends without it (the stray promise is left to finish or die on its own).
    this.timers.push(setTimeout(() => this.releaseAbandoned({ kind: 'aborted', reason, detail, abandoned: true }), this.options.abortGraceMs));
    return true;
  }

  /** Runs the handler; an abort that came before this call is seen by the handler as an aborted signal. */
  async execute(handler: (ctx: TaskContext) => Promise<TaskResult>, ctx: Omit<TaskContext, 'signal'>): Promise<RunOutcome> {
    this.timers.push(setTimeout(() => this.abort('time_limit'), this.options.timeLimitMs));
    const finished = runHandler(handler, { ...ctx, signal: this.controller.signal }).then((settled) => this.interpret(settled));
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

async function runHandler(handler: (ctx: TaskContext) => Promise<TaskResult>, ctx: TaskContext) {
  try {
    const result = await handler(ctx);
    return { ok: true as const, result: result ?? {} };
  } catch (error) {
    return { ok: false as const, error };
  }
}
