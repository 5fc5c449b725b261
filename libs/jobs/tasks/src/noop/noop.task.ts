import { paramsSchema } from '@validahub/jobs-domain';
import { defineTask } from '../task';
import { TaskHandler } from '../task-handler';

const noopParams = paramsSchema({});

/** Returns at once, so benchmarks measure the platform and not the task. */
export const noopHandler: TaskHandler = async () => ({ resultRef: null, summary: { noop: true } });

export const noopTask = defineTask({
  name: 'noop_job',
  description: 'Test-only: does nothing (benchmarks).',
  testOnly: true,
  params: noopParams,
  handler: () => noopHandler,
});
