import { TaskHandler } from '../task-handler';

/** Test-only: returns at once, so benchmarks measure the platform and not the task. */
export const noopHandler: TaskHandler<Record<string, never>> = async () => ({ resultRef: null, summary: { noop: true } });
