import { DelayedError } from 'bullmq';
import type { SlotLease } from '@validahub/jobs-queueing';
import { waitFor } from '@validahub/testing';
import { RecordingEventSink, deferred, fakeQueueJob, newTestProcessor, testPayload } from '../testing/job-processor-kit';
import { ArrivalSignal } from './arrival-signal';
import type { RunningSlots } from './job-processor';

const TENANT = '6b0f4a43-64a5-4b43-9a43-0b4f7e2f1c11';

/** Slots counted in memory, recording what happened to them against the events published. */
class CountingSlots implements RunningSlots {
  readonly held = new Set<string>();
  readonly log: string[] = [];
  failing = false;
  /** The processor's events, to say where in the attempt each take and release happened. */
  events?: RecordingEventSink;

  async take(plan: string, tenantId: string, runId: string, limit: number): Promise<SlotLease | undefined> {
    if (this.failing) throw new Error('redis unreachable');
    if (this.held.size >= limit) return undefined;
    this.held.add(runId);
    this.log.push(`take ${plan}/${tenantId} after [${this.events?.types().join(',') ?? ''}]`);
    let given = false;
    const release = async () => {
      if (given) return;
      given = true;
      this.held.delete(runId);
      this.log.push(`release after [${this.events?.types().join(',') ?? ''}]`);
    };
    return {
      release,
      releaseAfter: <T>(write: () => Promise<T>) => {
        const written = write();
        return { written, released: written.then(release, release) };
      },
    };
  }
}

const noDelay = { delayMs: 40, pauseMs: 1 };

describe("JobProcessor: the tenant's running slots", () => {
  it('holds a slot from before `started` until after the terminal event', async () => {
    const slots = new CountingSlots();
    const { processor, events } = newTestProcessor({ slots, defer: noDelay });
    slots.events = events;
    await processor.process(fakeQueueJob(testPayload({ tenantId: TENANT, runningLimit: 2 })), 'token');
    expect(slots.log).toEqual([`take pro/${TENANT} after []`, 'release after [started,succeeded]']);
    expect(slots.held.size).toBe(0);
    // Without a running limit in the payload no slot is taken.
    await processor.process(fakeQueueJob(testPayload({ tenantId: TENANT })), 'token');
    expect(slots.log).toHaveLength(2);
    expect(events.types()).toEqual(['started', 'succeeded', 'started', 'succeeded']);
  });

  it('defers a job whose tenant runs its limit: delayed, no event, no attempt, slot untouched', async () => {
    const release = deferred();
    const slots = new CountingSlots();
    const { processor, events } = newTestProcessor({ slots, defer: noDelay, handlers: { noop_job: () => release.promise.then(() => ({})) } });
    const first = processor.process(fakeQueueJob(testPayload({ tenantId: TENANT, runningLimit: 1 })), 'token');
    await new Promise((resolve) => setImmediate(resolve));
    const second = fakeQueueJob(testPayload({ tenantId: TENANT, runningLimit: 1 }));
    const before = Date.now();
    await expect(processor.process(second, 'token-2')).rejects.toBeInstanceOf(DelayedError);
    expect(second.delayedUntil).toHaveLength(1);
    expect(second.delayedUntil[0]).toBeGreaterThanOrEqual(before + noDelay.delayMs);
    expect(events.types()).toEqual(['started']);
    release.resolve();
    await first;
    expect(slots.held.size).toBe(0);
  });

  it('defers rather than runs over the limit when the slots cannot be reached, and gives the slot back on failure', async () => {
    const slots = new CountingSlots();
    slots.failing = true;
    const { processor, events } = newTestProcessor({ slots, defer: noDelay, handlers: { noop_job: async () => Promise.reject(new Error('boom')) } });
    const job = fakeQueueJob(testPayload({ tenantId: TENANT, runningLimit: 1 }));
    await expect(processor.process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(job.delayedUntil).toHaveLength(1);
    expect(events.types()).toEqual([]);

    slots.failing = false;
    await expect(processor.process(fakeQueueJob(testPayload({ tenantId: TENANT, runningLimit: 1 })), 'token')).rejects.toThrow();
    expect(events.types()).toEqual(['started', 'failed']);
    expect(slots.held.size).toBe(0);
  });

  it('a slot that deferred a job waits out its pause, unless a job arrives on its plan first', async () => {
    const slots = new CountingSlots();
    const arrivals = new ArrivalSignal();
    const hold = deferred();
    const { processor } = newTestProcessor({
      slots,
      arrivals,
      defer: { delayMs: 40, pauseMs: 60_000 },
      handlers: { noop_job: () => hold.promise.then(() => ({})) },
    });
    const running = processor.process(fakeQueueJob(testPayload({ tenantId: TENANT, runningLimit: 1 })), 'token');
    await new Promise((resolve) => setImmediate(resolve));

    let settled = false;
    const deferring = processor.process(fakeQueueJob(testPayload({ tenantId: TENANT, runningLimit: 1 })), 'token-2').catch((error: unknown) => {
      settled = true;
      return error;
    });
    await waitFor(() => arrivals.parkedOn('pro') === 1, 1_000, 'the deferring slot to park');
    // Another plan's arrival leaves it parked; its own plan's lets it fetch again at once.
    expect(arrivals.arrived('business', 1)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    expect(arrivals.arrived('pro', 1)).toBe(1);
    expect(await deferring).toBeInstanceOf(DelayedError);

    hold.resolve();
    await running;
  });
});
