import { PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { taskContext } from '../testing/task-context';
import { flakyHandler, flakyTask } from './flaky.task';

describe('flaky_job', () => {
  it('fails transiently for fail_times attempts, then succeeds', async () => {
    const params = { fail_times: 2, permanent: false };
    await expect(flakyHandler(taskContext(params, { attempt: 1 }))).rejects.toBeInstanceOf(TransientJobError);
    await expect(flakyHandler(taskContext(params, { attempt: 2 }))).rejects.toThrow('failing attempt 2 of 2');
    await expect(flakyHandler(taskContext(params, { attempt: 3 }))).resolves.toEqual({ resultRef: null, summary: { succeeded_on_attempt: 3 } });
  });

  it('with permanent=true throws a permanent error', async () => {
    const error = await flakyHandler(taskContext({ fail_times: 1, permanent: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as PermanentJobError).code).toBe('flaky_permanent');
  });

  it('needs fail_times and defaults permanent to false', () => {
    expect(flakyTask.definition.parseParams({ fail_times: 3 })).toEqual({ ok: true, value: { fail_times: 3, permanent: false } });
    expect(flakyTask.definition.parseParams({ fail_times: 101 })).toEqual({
      ok: false,
      errors: [{ field: 'params.fail_times', message: 'must be between 0 and 100' }],
    });
  });
});
