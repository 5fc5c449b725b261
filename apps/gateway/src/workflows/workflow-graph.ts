import type { FieldProblem } from '../http/problem';

// The shape of a workflow, checked before anything is stored: pure functions, no I/O.

export const MAX_STEPS = 20;
export const STEP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** `${steps.<id>.output.<key>}`: an earlier step's output (its job's summary) in a later step's params. */
const REFERENCE = /\$\{steps\.([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.output\.([a-z0-9_]{1,64})\}/g;

export interface StepShape {
  id: string;
  dependsOn: readonly string[];
  params: unknown;
}

export interface StepReference {
  /** Where in the params, e.g. `input_uri` or `source.url`. */
  path: string;
  step: string;
  key: string;
}

/**
 * Every problem of a workflow's shape, each naming its step (`steps[2].depends_on`): too many
 * or no steps, duplicate ids, unknown dependencies, cycles, and references to steps that are
 * not ancestors (a step may only read what has surely finished before it starts).
 */
export function workflowShapeProblems(steps: readonly StepShape[]): FieldProblem[] {
  if (steps.length === 0 || steps.length > MAX_STEPS) return [{ field: 'steps', message: `must have 1 to ${MAX_STEPS} steps` }];
  const problems: FieldProblem[] = [];
  const index = new Map<string, number>();
  steps.forEach((step, i) => {
    if (index.has(step.id)) problems.push({ field: `steps[${i}].id`, message: `duplicate step id "${step.id}"` });
    else index.set(step.id, i);
  });
  steps.forEach((step, i) => {
    for (const dep of step.dependsOn) {
      if (dep === step.id) problems.push({ field: `steps[${i}].depends_on`, message: `step "${step.id}" depends on itself` });
      else if (!index.has(dep)) problems.push({ field: `steps[${i}].depends_on`, message: `step "${step.id}" depends on unknown step "${dep}"` });
    }
  });
  if (problems.length) return problems;
  const cycle = findCycle(steps);
  if (cycle) {
    return [{ field: `steps[${index.get(cycle[0])}].depends_on`, message: `cycle through steps ${cycle.map((id) => `"${id}"`).join(' -> ')}` }];
  }
  steps.forEach((step, i) => {
    const ancestors = ancestorsOf(step.id, steps);
    for (const problem of referenceProblems(step.params)) problems.push({ field: `steps[${i}].params.${problem.path}`, message: problem.message });
    for (const ref of referencesIn(step.params)) {
      if (!index.has(ref.step)) {
        problems.push({ field: `steps[${i}].params.${ref.path}`, message: `step "${step.id}" refers to unknown step "${ref.step}"` });
      } else if (!ancestors.has(ref.step)) {
        problems.push({
          field: `steps[${i}].params.${ref.path}`,
          message: `step "${step.id}" refers to "${ref.step}", which is not among its dependencies (direct or indirect)`,
        });
      }
    }
  });
  return problems;
}

/** A cycle as the ids along it (first repeated at the end), or null for a DAG. */
export function findCycle(steps: readonly StepShape[]): string[] | null {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const step of steps) {
    const cycle = visit(step.id);
    if (cycle) return cycle;
  }
  return null;
}

/** Every step `id` depends on, directly or not. */
export function ancestorsOf(id: string, steps: readonly StepShape[]): Set<string> {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const seen = new Set<string>();
  const pending = [...(byId.get(id)?.dependsOn ?? [])];
  while (pending.length) {
    const next = pending.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...(byId.get(next)?.dependsOn ?? []));
  }
  return seen;
}

/** The output references in a step's params, wherever they sit (nested objects and arrays included). */
export function referencesIn(params: unknown, path = ''): StepReference[] {
  if (typeof params === 'string') return [...params.matchAll(REFERENCE)].map((match) => ({ path, step: match[1], key: match[2] }));
  if (Array.isArray(params)) return params.flatMap((value, i) => referencesIn(value, `${path}[${i}]`));
  if (params && typeof params === 'object') {
    return Object.entries(params).flatMap(([key, value]) => referencesIn(value, path ? `${path}.${key}` : key));
  }
  return [];
}

/** `${...}` that is not a well-formed step reference: a typo would otherwise reach the task as text. */
function referenceProblems(params: unknown, path = ''): { path: string; message: string }[] {
  if (typeof params === 'string') {
    const rest = params.replace(REFERENCE, '');
    return rest.includes('${') ? [{ path, message: 'malformed reference: use ${steps.<step id>.output.<key>}' }] : [];
  }
  if (Array.isArray(params)) return params.flatMap((value, i) => referenceProblems(value, `${path}[${i}]`));
  if (params && typeof params === 'object') {
    return Object.entries(params).flatMap(([key, value]) => referenceProblems(value, path ? `${path}.${key}` : key));
  }
  return [];
}

/**
 * The params with every reference replaced by `output(step, key)`: a string that is exactly one
 * reference takes the output's value (a number stays a number); a reference inside text is
 * written into it. An output that is missing (undefined) is reported, never sent as "undefined".
 */
export function resolveReferences(
  params: unknown,
  output: (step: string, key: string) => unknown,
): { ok: true; value: unknown } | { ok: false; missing: StepReference[] } {
  const missing: StepReference[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      const whole = new RegExp(`^${REFERENCE.source}$`).exec(value);
      if (whole) {
        const found = output(whole[1], whole[2]);
        if (found === undefined || found === null) missing.push({ path, step: whole[1], key: whole[2] });
        return found;
      }
      return value.replace(REFERENCE, (_, step: string, key: string) => {
        const found = output(step, key);
        if (found === undefined || found === null) missing.push({ path, step, key });
        return String(found);
      });
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, path ? `${path}.${key}` : key)]));
    }
    return value;
  };
  const value = walk(params, '');
  return missing.length ? { ok: false, missing } : { ok: true, value };
}
