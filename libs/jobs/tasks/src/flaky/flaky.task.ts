import { fields, ParamsOf, paramsSchema, PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { defineTask } from '../task';
import { TaskHandler } from '../task-handler';

const flakyParams = paramsSchema({
  /** Attempts that fail with a transient error before one succeeds. */
  fail_times: fields.integer({ min: 0, max: 100 }).required(),
  /** When true the failure is permanent instead. */
  permanent: fields.boolean().default(false),
});

/** Attempts 1..fail_times fail (transiently, or permanently when asked), later ones succeed. */
export const flakyHandler: TaskHandler<ParamsOf<typeof flakyParams>> = async (ctx) => {
  const { fail_times: failTimes, permanent } = ctx.params;
  if (ctx.attempt <= failTimes) {
    const message = `flaky_job failing attempt ${ctx.attempt} of ${failTimes}`;
    if (permanent) throw new PermanentJobError('flaky_permanent', message);
    throw new TransientJobError('flaky_transient', message);
  }
  return { resultRef: null, summary: { succeeded_on_attempt: ctx.attempt } };
};

export const flakyTask = defineTask({
  name: 'flaky_job',
  description: 'Test-only: fails a given number of attempts, then succeeds.',
  testOnly: true,
  params: flakyParams,
  handler: () => flakyHandler,
});
