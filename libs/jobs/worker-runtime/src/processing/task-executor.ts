import type { TaskContext, TaskHandler, TaskHandlers, TaskResult } from '@validahub/jobs-tasks';
import type { StorageScope } from '@validahub/storage';

/** What one attempt runs: its task, its plan (heap cap) and the storage scope of its job. */
export interface AttemptTask {
  name: string;
  plan: string;
  scope: StorageScope;
}

/** One attempt of a task, ready to run; `kill` ends it for good when it ignored its abort. */
export interface AttemptExecution {
  run(ctx: TaskContext): Promise<TaskResult>;
  /** Stops the attempt at once (the sandbox's thread is terminated); a no-op where nothing can be killed. */
  kill(): void;
}

/**
 * Where attempts run: in a sandbox thread with hard limits (production, `ThreadSandbox`), or
 * in this thread with handlers a test hands in (`InProcessExecutor`).
 */
export interface TaskExecutor {
  /** The tasks it can run, checked against the registry at start-up. */
  readonly taskNames: string[];
  /** Start-up: proves attempts can run (the sandbox loads) before any job is taken. */
  start(): Promise<void>;
  prepare(task: AttemptTask): AttemptExecution;
  /** Shutdown: after the last attempt ended. */
  close(): Promise<void>;
}

/**
 * Runs handlers in the worker's own thread: nothing bounds their memory, and one that never
 * yields blocks the worker. For tests with their own handler functions (which cannot be sent
 * to another thread) and for embedding.
 */
export class InProcessExecutor implements TaskExecutor {
  constructor(private readonly handlers: TaskHandlers) {}

  get taskNames(): string[] {
    return Object.keys(this.handlers);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  prepare(task: Pick<AttemptTask, 'name'>): AttemptExecution {
    const handler = (this.handlers as Record<string, TaskHandler | undefined>)[task.name];
    if (!handler) throw new Error(`no handler for task ${task.name}`);
    return { run: (ctx) => handler(ctx), kill: () => undefined };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
