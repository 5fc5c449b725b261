import { ParamsSchema, ParseResult } from './params';

/** A task as the gateway and the workers see it. Its handler lives beside it in jobs-tasks. */
export interface TaskDefinition<P = unknown> {
  /** The stable wire name (`validate_csv_job`): clients send it and jobs store it, so never rename one. */
  readonly name: string;
  readonly description: string;
  /** False for names the contract reserves but this release has no handler for. */
  readonly available: boolean;
  /** Registered only where a deployment enables test tasks (benchmarks, fault-injection tests). */
  readonly testOnly: boolean;
  /** Overrides of the deployment defaults (TASK_TIME_LIMIT, MAX_RETRIES). */
  readonly defaults: { readonly timeLimitSeconds?: number; readonly maxRetries?: number };
  /** What `params` accepts; null for reserved tasks. */
  readonly params: ParamsSchema<P> | null;
  /** Checks and defaults a job's params (HTTP bodies and Redis payloads are both untrusted). */
  parseParams(raw: unknown): ParseResult<P>;
}

export interface TaskDefinitionSpec<P> {
  name: string;
  description: string;
  params: ParamsSchema<P>;
  testOnly?: boolean;
  defaults?: TaskDefinition['defaults'];
}

export function taskDefinition<P>(spec: TaskDefinitionSpec<P>): TaskDefinition<P> {
  const { params } = spec;
  return {
    name: spec.name,
    description: spec.description,
    available: true,
    testOnly: spec.testOnly ?? false,
    defaults: spec.defaults ?? {},
    params,
    parseParams: (raw) => params.parse(raw),
  };
}

/** A name the contract reserves for a later release: known, listed, and refused with "not available". */
export function reservedTaskDefinition(spec: { name: string; description: string }): TaskDefinition<never> {
  return {
    name: spec.name,
    description: spec.description,
    available: false,
    testOnly: false,
    defaults: {},
    params: null,
    parseParams: () => ({
      ok: false,
      errors: [{ field: 'task', message: `${spec.name} is reserved by the contract but not available in this release` }],
    }),
  };
}
