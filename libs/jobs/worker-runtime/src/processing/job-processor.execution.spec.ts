import { UnrecoverableError, WaitingError } from 'bullmq';
import { JOB_ERROR_CODES, PermanentJobError } from '@validahub/jobs-domain';
import type { TaskContext, TaskResult } from '@validahub/jobs-tasks';
import { deferred, fakeQueueJob, newTestProcessor, testPayload, untilAborted } from '../testing/job-processor-kit';
import type { AttemptExecution, AttemptTask, TaskExecutor } from './task-executor';

// The processor's side of the executor seam: what it asks the executor for, when it kills an
// attempt, and how it ends attempts the sandbox stopped (memory cap) or BullMQ took away (lock lost).
beforeEach(() => jest.useFakeTimers({ now: Date.parse('2030-01-02T03:04:05.000Z') }));
afterEach(() => jest.useRealTimers());

// A payload without a tenant (open mode) reads and writes the storage root and no extra bucket.
const OPEN_MODE_SCOPE = { prefix: null, readableBuckets: [] };

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

/** An executor running one function per attempt, recording what it was asked to prepare and what it killed. */
class RecordingExecutor implements TaskExecutor {
  readonly prepared: AttemptTask[] = [];
  readonly contexts: TaskContext[] = [];
  kills = 0;
  constructor(private readonly run: (ctx: TaskContext) => Promise<TaskResult>) {}
  get taskNames() {
    return ['noop_job'];
  }
  start() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
  prepare(task: AttemptTask): AttemptExecution {
    this.prepared.push(task);
    return {
      run: (ctx) => (this.contexts.push(ctx), this.run(ctx)),
      kill: () => void (this.kills += 1),
    };
  }
}

describe('JobProcessor and its executor', () => {
  it('prepares each attempt for its task and plan, with a fresh run id per run of the same attempt', async () => {
    const executor = new RecordingExecutor(async () => ({ summary: { ok: true } }));
    const { processor } = newTestProcessor({ executor });
    const payload = testPayload({ plan: 'business' });
    await processor.process(fakeQueueJob(payload));
    await processor.process(fakeQueueJob(payload));
    expect(executor.prepared).toEqual([
      { name: 'noop_job', plan: 'business', scope: OPEN_MODE_SCOPE },
      { name: 'noop_job', plan: 'business', scope: OPEN_MODE_SCOPE },
    ]);
    const [first, second] = executor.contexts;
    expect(first).toMatchObject({ jobId: payload.jobId, attempt: 1 });
    expect(first.runId).toMatch(/^[0-9a-f]{12}$/);
    expect(second.runId).not.toBe(first.runId);
  });

  it('kills an attempt that ignores its abort once the grace is over, and only then', async () => {
    const executor = new RecordingExecutor(() => new Promise(() => undefined));
    const { processor, events } = newTestProcessor({ executor, abortGraceMs: 2_000 });
    const outcome = settle(processor.process(fakeQueueJob(testPayload({ timeLimitSeconds: 3 }))));
    await jest.advanceTimersByTimeAsync(4_999);
    expect(executor.kills).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(executor.kills).toBe(1);
    expect(((await outcome) as { error: unknown }).error).toBeInstanceOf(UnrecoverableError);
    expect(events.last('failed')).toMatchObject({
      error: { code: 'time_limit_exceeded', message: 'time limit of 3s exceeded', retryable: false },
      at: new Date(Date.parse('2030-01-02T03:04:05.000Z') + 5_000).toISOString(),
    });
  });

  it('fails an attempt the sandbox stopped at its memory cap with resource_limit_exceeded, without a retry', async () => {
    const executor = new RecordingExecutor(async () => {
      throw new PermanentJobError(JOB_ERROR_CODES.resourceLimit, 'the attempt used more than its memory limit of 64 MiB (JavaScript heap)');
    });
    const { processor, events } = newTestProcessor({ executor });
    const outcome = await settle(processor.process(fakeQueueJob(testPayload({ maxAttempts: 3 }))));
    expect((outcome as { error: unknown }).error).toBeInstanceOf(UnrecoverableError);
    expect(events.types()).toEqual(['started', 'failed']);
    expect(events.last('failed').error).toEqual({
      code: 'resource_limit_exceeded',
      message: 'the attempt used more than its memory limit of 64 MiB (JavaScript heap)',
      retryable: false,
    });
  });

  it('aborts a run whose lock was lost: no terminal event, and BullMQ is told to leave the job alone', async () => {
    const running = deferred();
    const executor = new RecordingExecutor(async (ctx) => (running.resolve(), untilAborted(ctx.signal)));
    const { processor, events, activeRuns } = newTestProcessor({ executor });
    const job = fakeQueueJob(testPayload({ maxAttempts: 3 }));
    const outcome = settle(processor.process(job, 'lock-token'));
    await running.promise;

    expect(activeRuns.abortLockLost([job.id!, 'some-other-job'])).toEqual([job.id]);

    expect(((await outcome) as { error: unknown }).error).toBeInstanceOf(WaitingError);
    expect(executor.contexts[0].signal.reason).toBe('lock_lost');
    expect(events.types()).toEqual(['started']);
    expect(job.handedBackWith).toEqual([]);
    expect(activeRuns.size).toBe(0);
  });

  it('kills a run that ignores the lock-loss abort after the grace, still without a terminal event', async () => {
    const running = deferred();
    const executor = new RecordingExecutor(() => (running.resolve(), new Promise(() => undefined)));
    const { processor, events, activeRuns } = newTestProcessor({ executor, abortGraceMs: 1_000 });
    const job = fakeQueueJob(testPayload());
    const outcome = settle(processor.process(job, 'lock-token'));
    await running.promise;
    activeRuns.abortLockLost([job.id!]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(executor.kills).toBe(1);
    expect(((await outcome) as { error: unknown }).error).toBeInstanceOf(WaitingError);
    expect(events.types()).toEqual(['started']);
  });

  it('aborts the older run as lock_lost when the same job starts again here (fetched anew after a stall)', async () => {
    const firstRunning = deferred();
    const executor: RecordingExecutor = new RecordingExecutor(async (ctx) => {
      if (executor.contexts.length === 1) firstRunning.resolve();
      return untilAborted(ctx.signal);
    });
    const { processor, events, activeRuns } = newTestProcessor({ executor });
    const payload = testPayload();
    const first = settle(processor.process(fakeQueueJob(payload), 'old-token'));
    await firstRunning.promise;
    const second = settle(processor.process(fakeQueueJob(payload), 'new-token'));

    expect(((await first) as { error: unknown }).error).toBeInstanceOf(WaitingError);
    expect(executor.contexts[0].signal.reason).toBe('lock_lost');
    expect(activeRuns.size).toBe(1);
    expect(activeRuns.cancel(payload.jobId, 'done testing')).toBe(true);
    await second;
    expect(events.types()).toEqual(['started', 'started', 'cancelled']);
  });

  it('renews the lock itself for a run that replaced an older one (BullMQ stops when the older run ends), and aborts it once the lock is gone', async () => {
    const firstRunning = deferred();
    const executor: RecordingExecutor = new RecordingExecutor(async (ctx) => {
      if (executor.contexts.length === 1) firstRunning.resolve();
      return untilAborted(ctx.signal);
    });
    const { processor, events } = newTestProcessor({ executor });
    const payload = testPayload();
    const first = fakeQueueJob(payload);
    void settle(processor.process(first, 'old-token'));
    await firstRunning.promise;
    const again = fakeQueueJob(payload, { lockLost: true });
    const second = settle(processor.process(again, 'new-token'));
    expect(first.lockExtendedWith).toEqual([]); // the first run had BullMQ's renewals
    await jest.advanceTimersByTimeAsync(15_000); // half the 30 s lock duration
    expect(again.lockExtendedWith).toEqual(['new-token']);
    expect(((await second) as { error: unknown }).error).toBeInstanceOf(WaitingError);
    expect(executor.contexts[1].signal.reason).toBe('lock_lost');
    expect(events.types()).toEqual(['started', 'started']);
  });
});
