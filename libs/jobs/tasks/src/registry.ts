import type { AppConfig } from '@validahub/config';
import { TaskRegistry } from '@validahub/jobs-domain';
import { createStorageFromConfig } from '@validahub/storage';
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

/** The handlers of a worker process, wired from validated configuration. */
export function taskHandlersFromConfig(config: AppConfig, tasks: readonly Task[] = TASKS): TaskHandlers {
  const deps: TaskDeps = {
    storage: createStorageFromConfig(config.storage),
    resultsUri: config.storage.resultsUri,
    maxUploadBytes: config.storage.maxUploadBytes,
    outbound: { allowPrivate: config.outbound.allowPrivateTargets },
  };
  return createTaskHandlers(deps, { includeTestTasks: config.worker.enableTestTasks, tasks });
}
