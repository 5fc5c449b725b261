import { paramsSchema } from '@validahub/jobs-domain';
import { defineTask } from '../task';
import { TaskHandler } from '../task-handler';

const spinParams = paramsSchema({});

/**
 * Never yields: a synchronous endless loop, as a runaway handler would be. No signal, timer or
 * promise can stop it; only the sandbox's hard kill at the time limit does.
 */
export const spinHandler: TaskHandler = async (ctx) => {
  ctx.reportProgress(0, 'Spinning forever');
  for (;;) {
    // Deliberately empty.
  }
};

export const spinTask = defineTask({
  name: 'spin_job',
  description: 'Test-only: loops forever without yielding (proves the hard time limit).',
  testOnly: true,
  params: spinParams,
  handler: () => spinHandler,
});
