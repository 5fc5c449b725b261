import { FlakyJobParams, PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { TaskHandler } from '../task-handler';

/** Test-only: attempts 1..fail_times fail (transiently, or permanently when asked), later ones succeed. */
export const flakyHandler: TaskHandler<FlakyJobParams> = async (ctx) => {
  const { fail_times: failTimes, permanent } = ctx.params;
  if (ctx.attempt <= failTimes) {
    const message = `flaky_job failing attempt ${ctx.attempt} of ${failTimes}`;
    if (permanent) throw new PermanentJobError('flaky_permanent', message);
    throw new TransientJobError('flaky_transient', message);
  }
  return { resultRef: null, summary: { succeeded_on_attempt: ctx.attempt } };
};
