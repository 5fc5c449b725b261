import { taskContext } from '../testing/task-context';
import { hogHandler, hogTask } from './hog.task';

describe('hog_job', () => {
  it('holds the memory it was asked for, reporting progress as it grows', async () => {
    const progress: string[] = [];
    const result = await hogHandler(taskContext({ stop_at_mb: 32 }, { reportProgress: (_p, message) => progress.push(message ?? '') }));
    expect(result).toEqual({ resultRef: null, summary: { held_mb: 32 } });
    expect(progress).toEqual(['Holding 16 MiB', 'Holding 32 MiB']);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort('cancelled');
    await expect(hogHandler(taskContext({ stop_at_mb: 0 }, { signal: controller.signal }))).rejects.toThrow('hog aborted: cancelled');
  });

  it('defaults to never stopping on its own, and refuses a negative size', () => {
    expect(hogTask.definition.parseParams({})).toEqual({ ok: true, value: { stop_at_mb: 0 } });
    expect(hogTask.definition.parseParams({ stop_at_mb: -1 }).ok).toBe(false);
  });
});
