import { ParseResult } from './params';
import { TASK_DEFINITIONS, TaskDefinition, TaskName } from './tasks';

export type TaskLookup =
  | { ok: true; task: TaskDefinition }
  | { ok: false; reason: 'unknown' | 'unavailable'; known: string[] };

/** The tasks one deployment accepts; test-only tasks are included only when asked for. */
export class TaskRegistry {
  private readonly byName: Map<string, TaskDefinition>;

  constructor(options: { includeTestTasks?: boolean } = {}, definitions: readonly TaskDefinition[] = TASK_DEFINITIONS) {
    this.byName = new Map();
    for (const def of definitions) {
      if (def.testOnly && !options.includeTestTasks) continue;
      if (this.byName.has(def.name)) throw new Error(`task ${def.name} is registered twice`);
      this.byName.set(def.name, def);
    }
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Tasks that must have a handler in every worker. */
  runnable(): TaskDefinition[] {
    return [...this.byName.values()].filter((t) => t.available);
  }

  lookup(name: string): TaskLookup {
    const task = this.byName.get(name);
    if (!task) return { ok: false, reason: 'unknown', known: this.names() };
    if (!task.available) return { ok: false, reason: 'unavailable', known: this.runnable().map((t) => t.name) };
    return { ok: true, task };
  }

  parseParams(name: TaskName | string, raw: unknown): ParseResult<unknown> {
    const found = this.lookup(name);
    if (!found.ok) return { ok: false, errors: [{ field: 'task', message: `unknown task ${name}` }] };
    return found.task.parseParams(raw);
  }

  /**
   * Start-up check for workers: every runnable task has exactly one handler and no handler
   * is registered for a task the registry does not know.
   */
  assertHandlers(handlerNames: readonly string[]): void {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const name of handlerNames) {
      if (seen.has(name)) problems.push(`two handlers for ${name}`);
      seen.add(name);
      if (!this.byName.has(name)) problems.push(`handler for unknown task ${name}`);
    }
    for (const task of this.runnable()) if (!seen.has(task.name)) problems.push(`no handler for ${task.name}`);
    if (problems.length) throw new Error(`task registry mismatch: ${problems.join('; ')}`);
  }
}
