import type { AppConfig } from '@validahub/config';
import { TaskRegistry } from '@validahub/jobs-domain';
import * as registeredTasks from './registered-tasks';
import { Task, TaskDeps } from './task';
import { TaskHandler, TaskHandlers } from './task-handler';

/** Every task this release knows, sorted by name (the order messages list them in). */
export const TASKS: readonly Task[] = Object.values(registeredTasks).sort((a, b) => (a.definition.name < b.definition.name ? -1 : 1));

export interface TaskSelection {
  /** Include the test-only tasks (benchmarks, fault-injection tests); config.worker.enableTestTasks. */
  includeTestTasks?: boolean;
  /** Defaults to TASKS. */
  tasks?: readonly Task[];
}

/** The registry the gateway checks requests with and workers check payloads with. */
export function createTaskRegistry(selection: TaskSelection = {}): TaskRegistry {
  return new TaskRegistry(
    (selection.tasks ?? TASKS).map((task) => task.definition),
    { includeTestTasks: selection.includeTestTasks },
  );
}

/**
 * The handlers of a worker, from the same list as its registry. Throws when the list names a
 * task twice or a runnable task has no handler, so such a worker never starts.
 */
export function createTaskHandlers(deps: TaskDeps, selection: TaskSelection = {}): TaskHandlers {
  const registry = createTaskRegistry(selection);
  const byName = new Map((selection.tasks ?? TASKS).map((task) => [task.definition.name, task]));
  const handlers: Record<string, TaskHandler> = {};
  for (const { name } of registry.runnable()) {
    const create = byName.get(name)?.createHandler;
    if (create) handlers[name] = create(deps);
  }
  registry.assertHandlers(Object.keys(handlers));
  return handlers;
}

/**
 * Builds the handlers for one job, from deps scoped to that job (its tenant's storage): a
 * worker asks for them per job, so no handler ever holds storage beyond one tenant.
 */
export interface TaskHandlerFactory {
  /** The runnable tasks it builds handlers for. */
  readonly names: readonly string[];
  create(deps: TaskDeps): TaskHandlers;
}

/** Checks the list once (as createTaskHandlers does) and returns the per-job builder. */
export function taskHandlerFactory(selection: TaskSelection = {}): TaskHandlerFactory {
  const registry = createTaskRegistry(selection);
  const byName = new Map((selection.tasks ?? TASKS).map((task) => [task.definition.name, task]));
  const creators = registry
    .runnable()
    .map(({ name }) => [name, byName.get(name)?.createHandler] as const)
    .filter((entry): entry is readonly [string, NonNullable<Task['createHandler']>] => Boolean(entry[1]));
  registry.assertHandlers(creators.map(([name]) => name));
  return {
    names: creators.map(([name]) => name),
    create: (deps) => Object.fromEntries(creators.map(([name, create]) => [name, create(deps)])),
  };
}

/** What every job's handlers share, from validated configuration: the worker adds each job's storage. */
export function taskSettingsFromConfig(config: AppConfig): Omit<TaskDeps, 'storage' | 'resultsUri'> {
  return {
    maxUploadBytes: config.storage.maxUploadBytes,
    outbound: { allowPrivate: config.outbound.allowPrivateTargets },
    maxColumns: config.taskLimits.maxColumns,
  };
}
