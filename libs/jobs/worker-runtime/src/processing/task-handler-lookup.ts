import type { AppConfig } from '@validahub/config';
import { JobError, JOB_ERROR_CODES, JobPayload, TaskRegistry } from '@validahub/jobs-domain';
import { createTaskRegistry, TaskContext, TaskHandler, TaskHandlers, taskHandlersFromConfig, TaskResult } from '@validahub/jobs-tasks';

/** What a payload runs with: its handler and its params parsed by the registry, or why it cannot run. */
export type RunnableTask = { ok: true; handler: (ctx: TaskContext) => Promise<TaskResult>; params: unknown } | { ok: false; error: JobError };

/**
 * The one seam between the runtime and the tasks: which handlers this worker runs, the
 * start-up check that they match the task registry, and what a payload's task resolves to.
 */
export class TaskHandlerLookup {
  constructor(
    private readonly registry: TaskRegistry,
    private readonly handlers: TaskHandlers,
  ) {}

  /** The shipped handlers wired from config, unless a test hands in its own handlers or registry. */
  static forWorker(config: AppConfig, overrides: { handlers?: TaskHandlers; registry?: TaskRegistry } = {}): TaskHandlerLookup {
    const registry = overrides.registry ?? createTaskRegistry({ includeTestTasks: config.worker.enableTestTasks });
    return new TaskHandlerLookup(registry, overrides.handlers ?? taskHandlersFromConfig(config));
  }

  get taskNames(): string[] {
    return Object.keys(this.handlers);
  }

  /** Throws when a runnable task has no handler, has two, or a handler names an unknown task. */
  assertComplete(): void {
    this.registry.assertHandlers(this.taskNames);
  }

  find(payload: Pick<JobPayload, 'task' | 'params'>): RunnableTask {
    const lookup = this.registry.lookup(payload.task);
    const handler = (this.handlers as Record<string, TaskHandler<unknown> | undefined>)[payload.task];
    if (!lookup.ok || !handler) {
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
    return { ok: true, handler, params: parsed.value };
  }
}
