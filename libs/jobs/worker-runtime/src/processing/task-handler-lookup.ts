import type { AppConfig } from '@validahub/config';
import { JobError, JOB_ERROR_CODES, JobPayload, TaskRegistry } from '@validahub/jobs-domain';
import { createTaskRegistry, TaskHandlers, TASKS } from '@validahub/jobs-tasks';
import type { StorageScope } from '@validahub/storage';
import type { Logger } from 'pino';
import { ThreadSandbox } from '../sandbox/thread-sandbox';
import { jobScopeOf } from './job-storage-scopes';
import { InProcessExecutor, TaskExecutor } from './task-executor';

/** What a payload runs as: its task and its params parsed by the registry, or why it cannot run. */
export type RunnableTask = { ok: true; task: string; params: unknown; scope: StorageScope } | { ok: false; error: JobError };

export interface WorkerTaskOptions {
  /** A test's own handlers: they run in-process (functions cannot be sent to a sandbox thread). */
  handlers?: TaskHandlers;
  registry?: TaskRegistry;
}

/**
 * The one seam between the runtime and the tasks: which tasks this worker runs and where
 * (`executor`), the start-up check that they match the task registry, and what a payload's
 * task resolves to.
 */
export class TaskHandlerLookup {
  constructor(
    private readonly registry: TaskRegistry,
    readonly executor: TaskExecutor,
    /** PAYLOAD_SIGNING_SECRET: what proves a payload's extra buckets came from the gateway. */
    private readonly payloadSigningSecret = '',
  ) {}

  /**
   * Production: every shipped task the registry runs, each attempt in the sandbox. A test that
   * hands in its own handlers gets them run in-process.
   */
  static forWorker(
    config: AppConfig,
    sandbox: { plans: readonly string[]; maxThreads: number; logger: Logger },
    overrides: WorkerTaskOptions = {},
  ): TaskHandlerLookup {
    const registry = overrides.registry ?? createTaskRegistry({ includeTestTasks: config.worker.enableTestTasks });
    const secret = config.security.payloadSigningSecret;
    if (overrides.handlers) return new TaskHandlerLookup(registry, new InProcessExecutor(overrides.handlers), secret);
    const shipped = new Set(TASKS.filter((task) => task.createHandler).map((task) => task.definition.name));
    const taskNames = registry
      .runnable()
      .map((task) => task.name)
      .filter((name) => shipped.has(name));
    const { sandboxWarmThreads: warmThreads, sandboxIdleMs: idleTimeoutMs } = config.worker;
    return new TaskHandlerLookup(registry, new ThreadSandbox({ config, taskNames, warmThreads, idleTimeoutMs, ...sandbox }), secret);
  }

  get taskNames(): string[] {
    return this.executor.taskNames;
  }

  /**
   * Throws when a runnable task has no handler, has two, or a handler names an unknown task,
   * and when a per-task heap cap (TASK_MEMORY_MB_<TASK>) names a task this worker does not run.
   */
  assertComplete(config?: AppConfig): void {
    this.registry.assertHandlers(this.taskNames);
    const unknown = Object.keys(config?.taskLimits.memoryMbByTask ?? {}).filter((name) => !this.taskNames.includes(name));
    if (unknown.length) {
      throw new Error(
        `${unknown.map((name) => `TASK_MEMORY_MB_${name.toUpperCase()}`).join(', ')} names no task this worker runs; it runs: ${this.taskNames.join(', ')}`,
      );
    }
  }

  find(payload: JobPayload): RunnableTask {
    const lookup = this.registry.lookup(payload.task);
    if (!lookup.ok || !this.taskNames.includes(payload.task)) {
      return {
        ok: false,
        error: {
          code: JOB_ERROR_CODES.unknownTask,
          message: `this worker has no task ${payload.task}; it runs: ${this.registry
            .runnable()
            .map((t) => t.name)
            .join(', ')}`,
          retryable: false,
        },
      };
    }
    const parsed = lookup.task.parseParams(payload.params);
    if (!parsed.ok) {
      return {
        ok: false,
        error: { code: JOB_ERROR_CODES.invalidParams, message: parsed.errors.map((e) => `${e.field} ${e.message}`).join('; '), retryable: false },
      };
    }
    const job = jobScopeOf(payload, this.payloadSigningSecret);
    return job.ok ? { ok: true, task: payload.task, params: parsed.value, scope: job.scope } : job;
  }
}
