import { DelayedError, UnrecoverableError, WaitingError } from 'bullmq';
import type { QueueJob } from '../processing/job-processor';
import { WorkerMetrics } from './worker-metrics';

const job = (task: unknown, extra: Partial<{ attemptsMade: number; timestamp: number; processedOn: number; delay: number }> = {}) =>
  ({
    id: 'j1',
    data: { task },
    attemptsMade: extra.attemptsMade ?? 0,
    opts: { delay: extra.delay },
    timestamp: extra.timestamp,
    processedOn: extra.processedOn,
  }) as unknown as QueueJob;

async function runCount(metrics: WorkerMetrics, labels: Record<string, string>): Promise<number> {
  const { values } = await metrics.registry.getSingleMetric('validahub_job_run_seconds')!.get();
  const found = values.find(
    (v) =>
      (v as { metricName?: string }).metricName === 'validahub_job_run_seconds_count' && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return found?.value ?? 0;
}

describe('WorkerMetrics', () => {
  const metrics = () => new WorkerMetrics({ taskNames: ['noop_job'], processMetrics: false });

  it.each([
    ['cancelled', new UnrecoverableError('cancelled: by user')],
    ['failed', new UnrecoverableError('bad_params: nope')],
    ['handed_back', new WaitingError()],
    ['deferred', new DelayedError()],
    ['retrying', new Error('io_error: reset')],
  ])('labels an attempt that threw as %s and rethrows the error', async (outcome, error) => {
    const m = metrics();
    await expect(m.measure('pro', job('noop_job'), () => Promise.reject(error))).rejects.toBe(error);
    expect(await runCount(m, { task: 'noop_job', plan: 'pro', outcome })).toBe(1);
  });

  it('labels a returned outcome as it is (expired), and counts retries only for retrying attempts', async () => {
    const m = metrics();
    await m.measure('free', job('noop_job'), async () => ({ outcome: 'expired' }));
    expect(await runCount(m, { outcome: 'expired' })).toBe(1);
    await expect(m.measure('free', job('noop_job'), () => Promise.reject(new Error('x')))).rejects.toThrow();
    expect(await m.registry.getSingleMetricAsString('validahub_job_retries_total')).toMatch(/task="noop_job",plan="free"\} 1$/m);
  });

  it('measures queue wait from enqueue plus delay to processing, for first attempts only', async () => {
    const m = metrics();
    await m.measure('pro', job('noop_job', { timestamp: 1_000, delay: 500, processedOn: 4_000 }), async () => ({ outcome: 'expired' }));
    await m.measure('pro', job('noop_job', { attemptsMade: 1, timestamp: 1_000, processedOn: 90_000 }), async () => ({ outcome: 'expired' }));
    const text = await m.registry.getSingleMetricAsString('validahub_job_queue_wait_seconds');
    expect(text).toMatch(/validahub_job_queue_wait_seconds_sum\{task="noop_job",plan="pro"\} 2.5$/m);
    expect(text).toMatch(/validahub_job_queue_wait_seconds_count\{task="noop_job",plan="pro"\} 1$/m);
  });

  it('observes the queue wait of a deferred job once, when it starts, deferrals included', async () => {
    const m = metrics();
    const deferred = () => Promise.reject(new DelayedError());
    await expect(m.measure('pro', job('noop_job', { timestamp: 1_000, processedOn: 2_000 }), deferred)).rejects.toBeInstanceOf(DelayedError);
    await expect(m.measure('pro', job('noop_job', { timestamp: 1_000, processedOn: 3_000 }), deferred)).rejects.toBeInstanceOf(DelayedError);
    await m.measure('pro', job('noop_job', { timestamp: 1_000, processedOn: 5_000 }), async () => ({ outcome: 'expired' }));
    const text = await m.registry.getSingleMetricAsString('validahub_job_queue_wait_seconds');
    expect(text).toMatch(/validahub_job_queue_wait_seconds_sum\{task="noop_job",plan="pro"\} 4$/m);
    expect(text).toMatch(/validahub_job_queue_wait_seconds_count\{task="noop_job",plan="pro"\} 1$/m);
    expect(await runCount(m, { outcome: 'deferred' })).toBe(2);
  });

  it('never uses an unregistered or non-string task name as a label', async () => {
    const m = metrics();
    await m.measure('pro', job('evil_{}"name'), async () => ({ outcome: 'expired' }));
    await m.measure('pro', job({ not: 'a string' }), async () => ({ outcome: 'expired' }));
    expect(await runCount(m, { task: 'unknown', outcome: 'expired' })).toBe(2);
    expect(await m.registry.metrics()).not.toContain('evil');
  });
});
