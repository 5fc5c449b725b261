import { PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { TaskContext } from '../task-handler';
import { flakyHandler } from './flaky.handler';
import { noopHandler } from './noop.handler';
import { sleepHandler } from './sleep.handler';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ctx = <P>(params: P, attempt = 1, signal = new AbortController().signal): TaskContext<P> => ({
  jobId: 'j', attempt, params, correlationId: 'c', signal, reportProgress: () => undefined, logger,
});

describe('test-only task handlers', () => {
  it('noop returns at once', async () => {
    await expect(noopHandler(ctx({}))).resolves.toEqual({ resultRef: null, summary: { noop: true } });
  });

  it('flaky fails transiently for fail_times attempts, then succeeds', async () => {
    const params = { fail_times: 2, permanent: false };
    await expect(flakyHandler(ctx(params, 1))).rejects.toBeInstanceOf(TransientJobError);
    await expect(flakyHandler(ctx(params, 2))).rejects.toThrow('failing attempt 2 of 2');
    await expect(flakyHandler(ctx(params, 3))).resolves.toEqual({ resultRef: null, summary: { succeeded_on_attempt: 3 } });
  });

  it('flaky with permanent=true throws a permanent error', async () => {
    const error = await flakyHandler(ctx({ fail_times: 1, permanent: true })).catch((e) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error.code).toBe('flaky_permanent');
  });

  it('sleep stops when its signal aborts, with an AbortError naming the reason', async () => {
    const controller = new AbortController();
    const pending = sleepHandler(ctx({ ms: 10_000, ignore_signal: false }, 1, controller.signal));
    setTimeout(() => controller.abort('cancelled'), 20);
    const error = await pending.catch((e) => e);
    expect(error.name).toBe('AbortError');
    expect(error.message).toContain('cancelled');
  });

  it('sleep ignores the signal when asked to', async () => {
    const controller = new AbortController();
    controller.abort('time_limit');
    const result = await sleepHandler(ctx({ ms: 50, ignore_signal: true }, 1, controller.signal));
    expect((result.summary as { slept_ms: number }).slept_ms).toBeGreaterThanOrEqual(45);
  });

  it('sleep reports progress while it sleeps', async () => {
    const reports: number[] = [];
    await sleepHandler({ ...ctx({ ms: 350, ignore_signal: false }), reportProgress: (p) => reports.push(p) });
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.every((p) => p > 0 && p <= 100)).toBe(true);
  });
});
