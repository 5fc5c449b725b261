import { taskContext } from '../testing/task-context';
import { noopHandler, noopTask } from './noop.task';

describe('noop_job', () => {
  it('returns at once', async () => {
    await expect(noopHandler(taskContext({}))).resolves.toEqual({ resultRef: null, summary: { noop: true } });
  });

  it('takes no params, and absent params count as none', () => {
    expect(noopTask.definition.parseParams(undefined)).toEqual({ ok: true, value: {} });
    expect(noopTask.definition.parseParams({ x: 1 })).toEqual({
      ok: false,
      errors: [{ field: 'params.x', message: 'unknown parameter; allowed: none' }],
    });
  });
});
