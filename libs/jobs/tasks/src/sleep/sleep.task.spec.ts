import { taskContext } from '../testing/task-context';
import { sleepHandler, sleepTask } from './sleep.task';

describe('sleep_job', () => {
  it('stops when its signal aborts, with an AbortError naming the reason', async () => {
    const controller = new AbortController();
    const pending = sleepHandler(taskContext({ ms: 10_000, ignore_signal: false }, { signal: controller.signal }));
    setTimeout(() => controller.abort('cancelled'), 20);
    const error = (await pending.catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AbortError');
    expect(error.message).toContain('cancelled');
  });

  it('ignores the signal when asked to', async () => {
    const controller = new AbortController();
    controller.abort('time_limit');
    const result = await sleepHandler(taskContext({ ms: 50, ignore_signal: true }, { signal: controller.signal }));
    expect((result.summary as { slept_ms: number }).slept_ms).toBeGreaterThanOrEqual(45);
  });

  it('reports progress while it sleeps', async () => {
    const reports: number[] = [];
    await sleepHandler(taskContext({ ms: 350, ignore_signal: false }, { reportProgress: (p: number) => reports.push(p) }));
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.every((p) => p > 0 && p <= 100)).toBe(true);
  });

  it('needs ms within an hour and defaults ignore_signal to false', () => {
    expect(sleepTask.definition.parseParams({ ms: 5 })).toEqual({ ok: true, value: { ms: 5, ignore_signal: false } });
    expect(sleepTask.definition.parseParams({ ms: -1, extra: true })).toEqual({
      ok: false,
      errors: [
        { field: 'params.extra', message: 'unknown parameter; allowed: ms, ignore_signal' },
        { field: 'params.ms', message: 'must be between 0 and 3600000' },
      ],
    });
  });
});
