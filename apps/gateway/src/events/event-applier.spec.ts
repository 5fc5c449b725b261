import type { JobEvent } from '@validahub/jobs-domain';
import { metricCount, newTestServices } from '../testing/new-test-services';

// The applier between the stream consumer and the event writer, with both faked; the real
// stream and Postgres are in event-applier.integration-spec.ts.
describe('EventApplier', () => {
  const jobId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
  const started = (n: number, msAgo = 0): JobEvent => ({ type: 'started', jobId: jobId(n), attempt: 1, at: at(msAgo) });
  const progress = (n: number): JobEvent => ({ type: 'progress', jobId: jobId(n), attempt: 1, at: at(0), progress: 50 });
  const succeeded = (n: number): JobEvent => ({ type: 'succeeded', jobId: jobId(n), attempt: 1, at: at(0), startedAt: at(10) });

  function setup() {
    const services = newTestServices();
    services.applier.onApplicationBootstrap();
    return { ...services, ...services.fakes };
  }

  it('hands each batch the consumer read to the writer as one call, in stream order', async () => {
    const { consumer, eventWriter } = setup();
    await consumer.deliver(started(1), progress(1), succeeded(1), started(2));
    await consumer.deliver(succeeded(2));
    expect(eventWriter.batches.map((batch) => batch.map((e) => `${e.type}:${e.jobId.slice(-1)}`))).toEqual([
      ['started:1', 'progress:1', 'succeeded:1', 'started:2'],
      ['succeeded:2'],
    ]);
  });

  it('records one outcome per event, the transitions a worker made, and the lag per event type', async () => {
    const { consumer, eventWriter, metrics } = setup();
    eventWriter.outcomes = (event) => {
      if (event.jobId === jobId(9)) return { kind: 'unknown-job' };
      if (event.type === 'progress') return { kind: 'progress' };
      if (event.type === 'started' && event.attempt > 1) return { kind: 'ignored', reason: 'stale attempt' };
      // A `succeeded` applied to a job still recorded as queued passes through running.
      return { kind: 'transition', statuses: event.type === 'succeeded' ? ['running', 'succeeded'] : ['running'] };
    };
    await consumer.deliver(started(1, 2_000), progress(1), succeeded(2), { ...started(3), attempt: 2 }, started(9));
    expect(await metricCount(metrics.eventsApplied, { outcome: 'transition' })).toBe(2);
    expect(await metricCount(metrics.eventsApplied, { outcome: 'progress' })).toBe(1);
    expect(await metricCount(metrics.eventsApplied, { outcome: 'ignored' })).toBe(1);
    expect(await metricCount(metrics.eventsApplied, { outcome: 'unknown-job' })).toBe(1);
    expect(await metricCount(metrics.transitions, { to_status: 'running', actor: 'worker' })).toBe(2);
    expect(await metricCount(metrics.transitions, { to_status: 'succeeded', actor: 'worker' })).toBe(1);
    expect(await metricCount(metrics.eventLag, { type: 'started' })).toBe(3);
    expect(await metricCount(metrics.eventLag, { type: 'succeeded' })).toBe(1);
    const lag = (await metrics.eventLag.get()).values.find(
      (v) => (v as { metricName?: string }).metricName === 'job_event_apply_lag_seconds_sum' && v.labels.type === 'started',
    );
    expect(lag?.value).toBeGreaterThanOrEqual(2); // the 2-second-old event counts its age
  });

  it('lets a failed write reject the batch (it stays pending in the stream) and records nothing', async () => {
    const { consumer, eventWriter, metrics } = setup();
    eventWriter.failWith = new Error('Connection terminated unexpectedly');
    await expect(consumer.deliver(started(1), succeeded(1))).rejects.toThrow('Connection terminated');
    expect(await metricCount(metrics.eventsApplied)).toBe(0);
    expect(await metricCount(metrics.transitions)).toBe(0);
  });

  it('starts consuming on bootstrap and stops the consumer on shutdown', async () => {
    const { applier, consumer } = setup();
    expect(consumer.handler).toBeDefined();
    await applier.onModuleDestroy();
    expect(consumer.stopped).toBe(true);
  });
});
