import type { JobEvent } from '@validahub/jobs-domain';
import { metricCount, newTestServices } from '../testing/new-test-services';
import { REFUSED_EVENT_RETRY_MS } from './event-applier';

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

  it('isolates an event Postgres refuses: the others of its batch are applied, it is dead-lettered after a retry, counted', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const { consumer, eventWriter, deadLetters, metrics } = setup();
    const poison = { ...succeeded(2), summary: { note: 'nul \u0000 byte' } };
    const refusal = Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
    eventWriter.refuse = (event) => (event === poison ? refusal : undefined);
    eventWriter.outcomes = () => ({ kind: 'transition', statuses: ['running'] });

    const delivered = consumer.deliver(started(1), poison, started(3));
    await jest.advanceTimersByTimeAsync(REFUSED_EVENT_RETRY_MS);
    await delivered;
    jest.useRealTimers();

    // The batch, then each event alone; the refused one twice.
    expect(eventWriter.calls.map((call) => call.map((e) => `${e.type}:${e.jobId.slice(-1)}`))).toEqual([
      ['started:1', 'succeeded:2', 'started:3'],
      ['started:1'],
      ['succeeded:2'],
      ['succeeded:2'],
      ['started:3'],
    ]);
    expect(eventWriter.batches.flat()).toEqual([started(1), started(3)].map((e) => expect.objectContaining({ jobId: e.jobId })));
    expect(deadLetters.kept).toEqual([{ event: poison, entryId: '1-1', error: refusal }]);
    expect(await metricCount(metrics.eventsDeadLettered, { type: 'succeeded' })).toBe(1);
    expect(await metricCount(metrics.eventsApplied, { outcome: 'transition' })).toBe(2);
  });

  it('applies an event refused once but accepted on its retry, and dead-letters nothing', async () => {
    const { consumer, eventWriter, deadLetters } = setup();
    let refusals = 1;
    eventWriter.refuse = () => (refusals-- > 0 ? Object.assign(new Error('deadlock detected'), { code: '40P01' }) : undefined);
    const event = started(1);
    await consumer.deliver(event);
    expect(eventWriter.calls).toHaveLength(2);
    expect(eventWriter.batches).toEqual([[event]]);
    expect(deadLetters.kept).toEqual([]);
  });

  it('leaves the batch pending when Postgres goes down while its events are applied one by one', async () => {
    const { consumer, eventWriter, deadLetters } = setup();
    // The batch is refused; by the time its events are tried alone, Postgres is gone.
    eventWriter.refuse = () =>
      eventWriter.calls.length === 1
        ? Object.assign(new Error('value too long'), { code: '22001' })
        : new Error('Connection terminated unexpectedly');
    await expect(consumer.deliver(started(1), started(2))).rejects.toThrow('Connection terminated');
    expect(eventWriter.calls).toHaveLength(2);
    expect(deadLetters.kept).toEqual([]);
  });

  it('leaves the batch pending when the dead-letter stream cannot be written (Redis down)', async () => {
    const { consumer, eventWriter, deadLetters, metrics } = setup();
    eventWriter.refuse = () => Object.assign(new Error('new row violates check constraint'), { code: '23514' });
    deadLetters.failWith = new Error('Connection is closed.');
    await expect(consumer.deliver(started(1))).rejects.toThrow('Connection is closed');
    expect(await metricCount(metrics.eventsDeadLettered)).toBe(0);
  });

  it('starts consuming on bootstrap and stops the consumer on shutdown', async () => {
    const { applier, consumer } = setup();
    expect(consumer.handler).toBeDefined();
    await applier.onModuleDestroy();
    expect(consumer.stopped).toBe(true);
  });
});
