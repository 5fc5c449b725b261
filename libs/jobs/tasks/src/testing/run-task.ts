// Unit-test support: run a task the way a worker does (parse params with its definition, then
// call its handler), without Redis or a runtime.
import { Task, TaskDeps } from '../task';
import { TaskContext, TaskResult } from '../task-handler';
import { taskContext } from './task-context';

/** Stands in for TaskDeps when a test passes none: using any of them fails with a clear message. */
const noDeps = new Proxy({} as TaskDeps, {
  get: (_target, key) => {
    throw new Error(`the task used TaskDeps.${String(key)}: pass deps to runTask`);
  },
});

export async function runTask(
  task: Task,
  rawParams: unknown,
  options: { deps?: TaskDeps; context?: Partial<Omit<TaskContext, 'params'>> } = {},
): Promise<TaskResult> {
  if (!task.createHandler) throw new Error(`${task.definition.name} has no handler (reserved)`);
  const parsed = task.definition.parseParams(rawParams);
  if (!parsed.ok) throw new Error(`params refused: ${parsed.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
  return task.createHandler(options.deps ?? noDeps)(taskContext(parsed.value, options.context));
}
