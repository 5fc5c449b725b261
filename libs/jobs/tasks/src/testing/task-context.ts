// Unit-test support: the context a worker would hand a handler, with nothing behind it.
import { TaskContext } from '../task-handler';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export function taskContext<P>(params: P, overrides: Partial<Omit<TaskContext<P>, 'params'>> = {}): TaskContext<P> {
  return {
    jobId: 'job-1',
    attempt: 1,
    runId: 'run-1',
    params,
    correlationId: 'corr-1',
    signal: new AbortController().signal,
    reportProgress: () => undefined,
    logger: silent,
    ...overrides,
  };
}
