import type { AppConfig } from '@validahub/config';
import { JobError, JOB_ERROR_CODES, JobPayload, TaskRegistry } from '@validahub/jobs-domain';
import {
  createTaskRegistry,
  Task,
  TaskContext,
  TaskDeps,
  TaskHandler,
  TaskHandlerFactory,
  taskHandlerFactory,
  TaskHandlers,
  TaskResult,
} from '@validahub/jobs-tasks';
import { JobStorageScopes } from './job-storage-scopes';

/** What a payload runs with: its handler and its params parsed by the registry, or why it cannot run. */
export type RunnableTask = { ok: true; handler: (ctx: TaskContext) => Promise<TaskResult>; params: unknown } | { ok: false; error: JobError };

/**
 * Where handlers come from: built per job with storage confined to the job's tenant (what
 * workers run), or a fixed set a test hands in (fakes that touch no storage).
 */
type HandlerSource =
  | { kind: 'per-job'; factory: TaskHandlerFactory; scopes: JobStorageScopes; settings: Omit<TaskDeps, 'storage' | 'resultsUri'> }
  | { kind: 'fixed'; handlers: TaskHandlers };

/**
 * The one seam between the runtime and the tasks: which handlers this worker runs, the
 * start-up check that they match the task registry, and what a payload's task resolves to.
 */
export class TaskHandlerLookup {
  private constructor(
    private readonly registry: TaskRegistry,
    private readonly source: HandlerSource,
  ) {}

  /** Handlers a test hands in as they are (fakes that touch no storage). */
  static fixed(registry: TaskRegistry, handlers: TaskHandlers): TaskHandlerLookup {
    return new TaskHandlerLookup(registry, { kind: 'fixed', handlers });
  }

  /** The shipped tasks, built per job from config, unless a test hands in its own handlers, tasks or registry. */
  static forWorker(
    config: AppConfig,
    overrides: { handlers?: TaskHandlers; registry?: TaskRegistry; tasks?: readonly Task[] } = {},
  ): TaskHandlerLookup {
    const selection = { includeTestTasks: config.worker.enableTestTasks, tasks: overrides.tasks };
    const registry = overrides.registry ?? createTaskRegistry(selection);
    if (overrides.handlers) return TaskHandlerLookup.fixed(registry, overrides.handlers);
    return new TaskHandlerLookup(registry, {
      kind: 'per-job',
      factory: taskHandlerFactory(selection),
      scopes: new JobStorageScopes(config),
      // Deployment settings every job's handlers share; storage is built per job.
      settings: { maxUploadBytes: config.storage.maxUploadBytes, outbound: { allowPrivate: config.outbound.allowPrivateTargets } },
    });
  }

  get taskNames(): string[] {
    return this.source.kind === 'fixed' ? Object.keys(this.source.handlers) : [...this.source.factory.names];
  }

  /** Throws when a runnable task has no handler, has two, or a handler names an unknown task. */
  assertComplete(): void {
    this.registry.assertHandlers(this.taskNames);
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
    const handler = this.handlerFor(payload);
    return handler.ok ? { ok: true, handler: handler.handler, params: parsed.value } : handler;
  }

  private handlerFor(payload: JobPayload): { ok: true; handler: TaskHandler } | { ok: false; error: JobError } {
    if (this.source.kind === 'fixed') return { ok: true, handler: this.source.handlers[payload.task] as TaskHandler };
    const job = this.source.scopes.forPayload(payload);
    if (!job.ok) return job;
    const handlers = this.source.factory.create({ ...this.source.settings, storage: job.storage, resultsUri: job.storage.resultsUri });
    return { ok: true, handler: handlers[payload.task] as TaskHandler };
  }
}
