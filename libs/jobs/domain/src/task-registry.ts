import { ParseResult } from './params';
import { TaskDefinition } from './task-definition';

export type TaskLookup = { ok: true; task: TaskDefinition } | { ok: false; reason: 'unknown' | 'unavailable'; known: string[] };

/** Wire names: what a client can type and a log line can carry unquoted. */
const TASK_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The tasks one deployment accepts, from a list of definitions (jobs-tasks owns the list).
 * Test-only tasks are included only when asked for. A list with a bad or doubled definition
 * throws, so a deployment with one never starts.
 */
export class TaskRegistry {
  private readonly byName: Map<string, TaskDefinition>;

  constructor(definitions: readonly TaskDefinition[], options: { includeTestTasks?: boolean } = {}) {
    const problems = definitions.flatMap(definitionProblems);
    const names = definitions.map((def) => def.name);
    for (const name of new Set(names.filter((name, i) => names.indexOf(name) !== i))) problems.push(`task ${name} is registered twice`);
    if (problems.length) throw new Error(`invalid task definitions: ${problems.join('; ')}`);
    this.byName = new Map(definitions.filter((def) => options.includeTestTasks || !def.testOnly).map((def) => [def.name, def]));
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

  parseParams(name: string, raw: unknown): ParseResult<unknown> {
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

function definitionProblems(def: TaskDefinition): string[] {
  const problems: string[] = [];
  if (!TASK_NAME.test(def.name))
    problems.push(`task name ${JSON.stringify(def.name)} must be 1-64 lower-case letters, digits or underscores, starting with a letter`);
  const { timeLimitSeconds, maxRetries } = def.defaults;
  if (timeLimitSeconds !== undefined && !(Number.isInteger(timeLimitSeconds) && timeLimitSeconds >= 1)) {
    problems.push(`task ${def.name}: defaults.timeLimitSeconds must be a whole number >= 1`);
  }
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0))
    problems.push(`task ${def.name}: defaults.maxRetries must be a whole number >= 0`);
  return problems;
}
