import { storedJob } from '../testing/gateway-fakes';
import { metricCount, newTestServices } from '../testing/new-test-services';

// The reconciler's decisions against in-memory Postgres rows and BullMQ states; the same cases
// against the real servers are in reconciler.integration-spec.ts.
describe('Reconciler decisions', () => {
  const minute = 60_000;
  const longAgo = () => new Date(Date.now() - minute);
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  function setup() {
    const services = newTestServices({}, { reconcileMinAgeMs: 5_000, reconcileIntervalMs: 0 });
    const { fakes } = services;
    const payloadOf = (jobId: string) => fakes.queues.payloads.get(jobId);
    return { ...services, ...fakes, payloadOf };
  }

  it('enqueues a queued job whose enqueue never happened, numbering from zero', async () => {
    const { reconciler, unfinished, payloadOf, metrics } = setup();
    unfinished.add(storedJob({ id: id(1), status: 'queued', updatedAt: longAgo() }));
    const report = await reconciler.reconcileOnce();
    expect(report).toEqual({ leader: true, checked: 1, enqueued: 1, expired: 0, cancelled: 0 });
    expect(payloadOf(id(1))).toMatchObject({ jobId: id(1), maxAttempts: 4 });
    expect(payloadOf(id(1))?.attemptBase).toBeUndefined();
    expect(await metricCount(metrics.reconcilerActions, { action: 'enqueued' })).toBe(1);
  });

  it('re-enqueues a lost running job only when two passes in a row saw it missing and untouched', async () => {
    const { reconciler, unfinished, payloadOf, metrics } = setup();
    unfinished.add(storedJob({ id: id(2), status: 'running', attempts: 2, updatedAt: longAgo() }));
    expect((await reconciler.reconcileOnce()).enqueued).toBe(0);
    expect(payloadOf(id(2))).toBeUndefined();
    expect((await reconciler.reconcileOnce()).enqueued).toBe(1);
    expect(payloadOf(id(2))).toMatchObject({ jobId: id(2), attemptBase: 2 });
    expect(await metricCount(metrics.reconcilerActions, { action: 'recovered' })).toBe(1);
  });

  it('re-enqueues a lost retrying job the same way', async () => {
    const { reconciler, unfinished, payloadOf } = setup();
    unfinished.add(storedJob({ id: id(3), status: 'retrying', attempts: 1, updatedAt: longAgo() }));
    await reconciler.reconcileOnce();
    await reconciler.reconcileOnce();
    expect(payloadOf(id(3))).toMatchObject({ attemptBase: 1 });
  });

  it('does not mistake an applier that is behind for a loss', async () => {
    const { reconciler, unfinished, queues } = setup();
    const finishing = storedJob({ id: id(4), status: 'running', attempts: 1, updatedAt: longAgo() });
    const progressing = storedJob({ id: id(5), status: 'running', attempts: 1, updatedAt: longAgo() });
    unfinished.add(finishing, progressing);
    await reconciler.reconcileOnce();
    // Meanwhile the applier caught up: one job's `succeeded` landed, the other reported progress.
    unfinished.add({ ...finishing, status: 'succeeded' }, { ...progressing, updatedAt: new Date(Date.now() - 10_000) });
    const report = await reconciler.reconcileOnce();
    expect(report.enqueued).toBe(0);
    expect(queues.bulks).toEqual([]);
  });

  it('needs the two sightings to be consecutive passes', async () => {
    const { reconciler, unfinished, queues } = setup();
    const job = storedJob({ id: id(6), status: 'running', attempts: 1, updatedAt: longAgo() });
    unfinished.add(job);
    await reconciler.reconcileOnce();
    unfinished.rows.delete(job.id); // not quiet long enough for the second pass
    await reconciler.reconcileOnce();
    unfinished.add(job);
    expect((await reconciler.reconcileOnce()).enqueued).toBe(0);
    expect(queues.bulks).toEqual([]);
  });

  it('leaves alone a job whose BullMQ job exists, in any state', async () => {
    const { reconciler, unfinished, queues } = setup();
    const states = ['waiting', 'delayed', 'active', 'completed', 'failed'] as const;
    states.forEach((state, i) => {
      unfinished.add(storedJob({ id: id(10 + i), status: i % 2 ? 'running' : 'queued', attempts: 1, updatedAt: longAgo() }));
      queues.states.set(id(10 + i), state);
    });
    await reconciler.reconcileOnce();
    const report = await reconciler.reconcileOnce();
    expect(report).toEqual({ leader: true, checked: states.length, enqueued: 0, expired: 0, cancelled: 0 });
    expect(queues.bulks).toEqual([]);
  });

  it('ends a lost job whose cancel was requested as cancelled instead of running it again', async () => {
    const { reconciler, unfinished, queues, metrics } = setup();
    unfinished.add(storedJob({ id: id(20), status: 'running', attempts: 1, cancelRequested: true, updatedAt: longAgo() }));
    expect((await reconciler.reconcileOnce()).cancelled).toBe(0);
    const report = await reconciler.reconcileOnce();
    expect(report).toMatchObject({ cancelled: 1, enqueued: 0 });
    expect(unfinished.rows.get(id(20))?.status).toBe('cancelled');
    expect(queues.bulks).toEqual([]);
    expect(await metricCount(metrics.transitions, { to_status: 'cancelled', actor: 'reconciler' })).toBe(1);
    expect(await metricCount(metrics.reconcilerActions, { action: 'cancelled' })).toBe(1);
  });

  it('expires a waiting job past its expiry and takes it off its queue, even with no worker on that queue', async () => {
    const { reconciler, unfinished, queues, metrics } = setup();
    const past = new Date(Date.now() - 1_000);
    unfinished.add(storedJob({ id: id(30), status: 'queued', expiresAt: past, updatedAt: longAgo() }));
    unfinished.add(storedJob({ id: id(31), status: 'retrying', attempts: 1, expiresAt: past, updatedAt: longAgo() }));
    queues.states.set(id(30), 'waiting');
    queues.states.set(id(31), 'delayed');
    const report = await reconciler.reconcileOnce();
    expect(report.expired).toBe(2);
    expect(queues.removed.sort()).toEqual([id(30), id(31)]);
    expect(unfinished.rows.get(id(30))?.status).toBe('expired');
    expect(await metricCount(metrics.transitions, { to_status: 'expired', actor: 'reconciler' })).toBe(2);
  });

  it('never expires a job a worker holds, nor a running one', async () => {
    const { reconciler, unfinished, queues } = setup();
    const past = new Date(Date.now() - 1_000);
    unfinished.add(storedJob({ id: id(40), status: 'queued', expiresAt: past, updatedAt: longAgo() }));
    unfinished.add(storedJob({ id: id(41), status: 'running', attempts: 1, expiresAt: past, updatedAt: longAgo() }));
    queues.states.set(id(40), 'active');
    queues.states.set(id(41), 'active');
    const report = await reconciler.reconcileOnce();
    expect(report.expired).toBe(0);
    expect(unfinished.rows.get(id(40))?.status).toBe('queued');
    expect(queues.removed).toEqual([]);
  });

  it('skips jobs touched within the minimum age (their create may still be enqueueing)', async () => {
    const { reconciler, unfinished, queues } = setup();
    unfinished.add(storedJob({ id: id(50), status: 'queued', updatedAt: new Date() }));
    expect(await reconciler.reconcileOnce()).toEqual({ leader: true, checked: 0, enqueued: 0, expired: 0, cancelled: 0 });
    expect(queues.bulks).toEqual([]);
  });

  it('counts nothing when Redis refuses the enqueue, and tries again on the next pass', async () => {
    const { reconciler, unfinished, queues, metrics, payloadOf } = setup();
    unfinished.add(storedJob({ id: id(60), status: 'queued', updatedAt: longAgo() }));
    queues.failWith = new Error('Connection is closed.');
    expect((await reconciler.reconcileOnce()).enqueued).toBe(0);
    expect(await metricCount(metrics.enqueueFailures, { plan: 'free' })).toBe(1);
    queues.failWith = undefined;
    expect((await reconciler.reconcileOnce()).enqueued).toBe(1);
    expect(payloadOf(id(60))).toBeDefined();
  });

  it('enqueues every lost job of a pass, oldest first', async () => {
    const { reconciler, unfinished, queues } = setup();
    const base = Date.now() - minute; // one clock reading: the 1 ms steps must not collapse into ties
    for (let n = 70; n < 75; n += 1) unfinished.add(storedJob({ id: id(n), status: 'queued', updatedAt: new Date(base - n) }));
    expect((await reconciler.reconcileOnce()).enqueued).toBe(5);
    expect(queues.bulks.flat().map((item) => item.payload.jobId)).toEqual([74, 73, 72, 71, 70].map(id));
  });
});
