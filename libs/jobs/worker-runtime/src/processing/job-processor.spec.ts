import { UnrecoverableError, WaitingError } from 'bullmq';
import { PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { TASKS, type TaskContext, type TaskHandlers } from '@validahub/jobs-tasks';
import { deferred, fakeQueueJob, newTestProcessor, testPayload, untilAborted } from '../testing/job-processor-kit';

// Fake timers freeze the clock (event times are exact) and let time limits pass instantly.
beforeEach(() => jest.useFakeTimers({ now: Date.parse('2030-01-02T03:04:05.000Z') }));
afterEach(() => jest.useRealTimers());

// The kit's registry holds the test-only tasks, listed by name in messages.
const TEST_TASK_NAMES = TASKS.filter((t) => t.definition.testOnly).map((t) => t.definition.name);

/** Settles a processor promise into a value, so a test can advance timers before looking at it. */
const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('JobProcessor: a run that ends', () => {
  it('publishes started, throttled progress and succeeded, and hands the result to BullMQ', async () => {
    const seen: TaskContext<unknown>[] = [];
    const handlers: TaskHandlers = {
      sleep_job: async (ctx) => {
        seen.push(ctx);
        ctx.reportProgress(10, 'reading');
        ctx.reportProgress(40, 'checking');
        ctx.reportProgress(90, 'writing');
        return { resultRef: 'results/r.json', summary: { rows: 3 } };
      },
    };
    const { processor, events, activeRuns } = newTestProcessor({ handlers });
    const payload = testPayload({ task: 'sleep_job', params: { ms: 5 } });

    const result = await processor.process(fakeQueueJob(payload));

    expect(result).toEqual({ outcome: 'succeeded', result: { resultRef: 'results/r.json', summary: { rows: 3 } } });
    expect(events.types()).toEqual(['started', 'progress', 'progress', 'succeeded']);
    // The first report goes out at once; the last one replaces the one in between and is flushed before success.
    expect(events.events.filter((e) => e.type === 'progress').map((e) => e.progress)).toEqual([10, 90]);
    const started = events.last('started');
    expect(started).toMatchObject({ jobId: payload.jobId, attempt: 1, worker: 'test-worker' });
    expect(events.last('succeeded')).toMatchObject({ attempt: 1, startedAt: started.at, resultRef: 'results/r.json', summary: { rows: 3 } });
    // The handler gets params parsed and defaulted by the registry, and the job's identity.
    expect(seen[0]).toMatchObject({
      jobId: payload.jobId,
      attempt: 1,
      correlationId: payload.correlationId,
      params: { ms: 5, ignore_signal: false },
    });
    expect(activeRuns.size).toBe(0);
  });

  it('numbers the attempt from attemptBase plus the runs BullMQ already made', async () => {
    const { processor, events } = newTestProcessor();
    await processor.process(fakeQueueJob(testPayload({ attemptBase: 2, maxAttempts: 5 }), { attemptsMade: 1, attempts: 3 }));
    expect(events.events.map((e) => e.attempt)).toEqual([4, 4]);
  });

  it('reports a transient error as retrying and throws a plain error so BullMQ retries after the planned delay', async () => {
    const handlers: TaskHandlers = { noop_job: async () => Promise.reject(new TransientJobError('storage_unavailable', 'bucket down')) };
    const { processor, events, retryDelays } = newTestProcessor({ handlers });
    const payload = testPayload({ maxAttempts: 3 });

    const outcome = await settle(processor.process(fakeQueueJob(payload)));

    expect(outcome).toEqual({ error: expect.objectContaining({ message: 'storage_unavailable: bucket down' }) });
    expect((outcome as { error: unknown }).error).not.toBeInstanceOf(UnrecoverableError);
    expect(events.types()).toEqual(['started', 'retrying']);
    const retrying = events.last('retrying');
    expect(retrying.error).toEqual({ code: 'storage_unavailable', message: 'bucket down', retryable: true });
    // BullMQ's backoff strategy hands back exactly the delay the event announced.
    const announcedDelay = Date.parse(retrying.nextAttemptAt!) - Date.now();
    expect(announcedDelay).toBeGreaterThan(0);
    expect(retryDelays.strategy(1, 'jitter', new Error('x'), { id: payload.jobId } as never)).toBe(announcedDelay);
  });

  it('retries a transient error on each attempt left, then fails the last one for good, saying it gave up', async () => {
    const handlers: TaskHandlers = { noop_job: async () => Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })) };
    const { processor, events } = newTestProcessor({ handlers });
    const payload = testPayload({ maxAttempts: 3 });

    // BullMQ runs the same job again with attemptsMade counting the failed runs.
    const outcomes = [];
    for (const attemptsMade of [0, 1, 2]) outcomes.push(await settle(processor.process(fakeQueueJob(payload, { attemptsMade }))));

    expect(outcomes.map((o) => (o as { error: unknown }).error instanceof UnrecoverableError)).toEqual([false, false, true]);
    expect(events.types()).toEqual(['started', 'retrying', 'started', 'retrying', 'started', 'failed']);
    expect(events.events.map((e) => e.attempt)).toEqual([1, 1, 2, 2, 3, 3]);
    const failed = events.last('failed');
    expect(failed.error).toMatchObject({ code: 'io_error', retryable: true });
    expect(failed.error.message).toMatch(/gave up after 3 attempts\)$/);
  });

  it('fails a permanent error at once although attempts are left', async () => {
    const handlers: TaskHandlers = { noop_job: async () => Promise.reject(new PermanentJobError('input_not_found', 'no such object')) };
    const { processor, events } = newTestProcessor({ handlers });

    const outcome = await settle(processor.process(fakeQueueJob(testPayload({ maxAttempts: 3 }))));

    expect((outcome as { error: Error }).error).toBeInstanceOf(UnrecoverableError);
    expect((outcome as { error: Error }).error.message).toBe('input_not_found: no such object');
    expect(events.types()).toEqual(['started', 'failed']);
    expect(events.last('failed')).toMatchObject({
      attempt: 1,
      startedAt: events.last('started').at,
      error: { code: 'input_not_found', message: 'no such object', retryable: false },
    });
  });

  it('treats a plain error from a handler as a permanent handler_error', async () => {
    const handlers: TaskHandlers = { noop_job: async () => Promise.reject(new TypeError('x is undefined')) };
    const { processor, events } = newTestProcessor({ handlers });
    await expect(processor.process(fakeQueueJob(testPayload({ maxAttempts: 3 })))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(events.last('failed').error).toMatchObject({ code: 'handler_error', retryable: false });
  });
});

describe('JobProcessor: time limit', () => {
  it('aborts the handler at the limit and fails the job without retry', async () => {
    let signal: AbortSignal | undefined;
    const handlers: TaskHandlers = { noop_job: async (ctx) => ((signal = ctx.signal), untilAborted(ctx.signal)) };
    const { processor, events } = newTestProcessor({ handlers });
    const outcome = settle(processor.process(fakeQueueJob(testPayload({ timeLimitSeconds: 2, maxAttempts: 3 }))));

    await jest.advanceTimersByTimeAsync(1_999);
    expect(events.types()).toEqual(['started']);
    await jest.advanceTimersByTimeAsync(1);

    expect(((await outcome) as { error: unknown }).error).toBeInstanceOf(UnrecoverableError);
    expect(signal?.reason).toBe('time_limit');
    expect(events.types()).toEqual(['started', 'failed']);
    expect(events.last('failed').error).toEqual({ code: 'time_limit_exceeded', message: 'time limit of 2s exceeded', retryable: false });
  });

  it('stops waiting for a handler that ignores the abort once the grace is over', async () => {
    const handlers: TaskHandlers = { noop_job: () => new Promise(() => undefined) };
    const { processor, events, activeRuns } = newTestProcessor({ handlers, abortGraceMs: 500 });
    const outcome = settle(processor.process(fakeQueueJob(testPayload({ timeLimitSeconds: 1 }))));

    await jest.advanceTimersByTimeAsync(1_499);
    expect(events.types()).toEqual(['started']);
    await jest.advanceTimersByTimeAsync(1);

    expect(((await outcome) as { error: unknown }).error).toBeInstanceOf(UnrecoverableError);
    expect(events.last('failed').error.code).toBe('time_limit_exceeded');
    expect(activeRuns.size).toBe(0);
  });
});

describe('JobProcessor: cancel and shutdown', () => {
  it('cancels a job whose cancel arrived just before it was picked up, without running it', async () => {
    const handler = jest.fn(async () => ({}));
    const { processor, events, activeRuns } = newTestProcessor({ handlers: { noop_job: handler } });
    const payload = testPayload();
    expect(activeRuns.cancel(payload.jobId, 'user asked')).toBe(false);

    await expect(processor.process(fakeQueueJob(payload))).rejects.toThrow(new UnrecoverableError('cancelled: user asked'));

    expect(handler).not.toHaveBeenCalled();
    expect(events.events).toEqual([{ type: 'cancelled', jobId: payload.jobId, attempt: 0, at: new Date().toISOString(), reason: 'user asked' }]);
  });

  it('aborts a running job on cancel: cancelled event, no retry', async () => {
    const running = deferred();
    const handlers: TaskHandlers = { noop_job: async (ctx) => (running.resolve(), untilAborted(ctx.signal)) };
    const { processor, events, activeRuns } = newTestProcessor({ handlers });
    const payload = testPayload({ maxAttempts: 3 });
    const outcome = settle(processor.process(fakeQueueJob(payload)));
    await running.promise;

    expect(activeRuns.cancel(payload.jobId, 'stop it')).toBe(true);

    expect(((await outcome) as { error: Error }).error).toEqual(new UnrecoverableError('cancelled: stop it'));
    expect(events.types()).toEqual(['started', 'cancelled']);
    expect(events.last('cancelled')).toMatchObject({ attempt: 1, reason: 'stop it', startedAt: events.last('started').at });
  });

  it('hands a job aborted by shutdown back to its queue, with no terminal event', async () => {
    const running = deferred();
    const handlers: TaskHandlers = { noop_job: async (ctx) => (running.resolve(), untilAborted(ctx.signal)) };
    const { processor, events, activeRuns } = newTestProcessor({ handlers });
    const job = fakeQueueJob(testPayload());
    const outcome = settle(processor.process(job, 'lock-token'));
    await running.promise;

    expect(activeRuns.abortAll('shutdown')).toBe(1);

    expect(((await outcome) as { error: unknown }).error).toBeInstanceOf(WaitingError);
    expect(job.handedBackWith).toEqual(['lock-token']);
    expect(events.types()).toEqual(['started']);
  });

  it('still ends the attempt quietly when the job cannot be moved back (stalled recovery returns it)', async () => {
    const running = deferred();
    const handlers: TaskHandlers = { noop_job: async (ctx) => (running.resolve(), untilAborted(ctx.signal)) };
    const { processor, events, activeRuns } = newTestProcessor({ handlers });
    const outcome = settle(processor.process(fakeQueueJob(testPayload(), { moveToWaitFails: true }), 'lock-token'));
    await running.promise;
    activeRuns.abortAll('shutdown');

    expect(((await outcome) as { error: unknown }).error).toBeInstanceOf(WaitingError);
    expect(events.types()).toEqual(['started']);
  });
});

describe('JobProcessor: jobs it must not run', () => {
  it('reports a job whose expiresAt passed as expired and completes it without running', async () => {
    const handler = jest.fn(async () => ({}));
    const { processor, events } = newTestProcessor({ handlers: { noop_job: handler } });
    const payload = testPayload({ expiresAt: new Date(Date.now() - 1).toISOString() });

    await expect(processor.process(fakeQueueJob(payload))).resolves.toEqual({ outcome: 'expired' });

    expect(handler).not.toHaveBeenCalled();
    expect(events.events).toEqual([{ type: 'expired', jobId: payload.jobId, attempt: 0, at: new Date().toISOString() }]);
  });

  it('fails an invalid payload with invalid_payload, naming every problem', async () => {
    const { processor, events } = newTestProcessor();
    const payload = { ...testPayload(), maxAttempts: 0, expiresAt: 'soon', attemptBase: -1 };

    const outcome = await settle(processor.process(fakeQueueJob(payload, { attemptsMade: 1 })));

    expect((outcome as { error: unknown }).error).toBeInstanceOf(UnrecoverableError);
    const failed = events.last('failed');
    expect(failed).toMatchObject({ jobId: payload.jobId, attempt: 2, error: { code: 'invalid_payload', retryable: false } });
    expect(failed.error.message).toMatch(/maxAttempts must be >= 1; expiresAt is not a date; attemptBase must be a whole number >= 0$/);
  });

  it('publishes nothing for a payload without a usable job id, and still refuses it', async () => {
    const { processor, events } = newTestProcessor();
    await expect(processor.process(fakeQueueJob({ jobId: 'not-a-uuid', task: 'noop_job' }))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(processor.process(fakeQueueJob(null))).rejects.toThrow(/payload is not an object/);
    expect(events.events).toEqual([]);
  });

  it('fails a task this worker has no handler for with unknown_task, listing what it runs', async () => {
    const { processor, events } = newTestProcessor({ handlers: { noop_job: async () => ({}) } });

    await expect(processor.process(fakeQueueJob(testPayload({ task: 'teleport_job' })))).rejects.toBeInstanceOf(UnrecoverableError);
    // sleep_job is a known task, but this worker was given no handler for it.
    await expect(processor.process(fakeQueueJob(testPayload({ task: 'sleep_job', params: { ms: 1 } })))).rejects.toBeInstanceOf(UnrecoverableError);

    expect(events.types()).toEqual(['failed', 'failed']);
    for (const failed of events.events) {
      expect(failed).toMatchObject({ attempt: 1, error: { code: 'unknown_task', retryable: false } });
      expect((failed as { error: { message: string } }).error.message).toMatch(new RegExp(`it runs: ${TEST_TASK_NAMES.join(', ')}$`));
    }
  });

  it('fails params the task rejects with invalid_params, before starting', async () => {
    const handler = jest.fn(async () => ({}));
    const { processor, events } = newTestProcessor({ handlers: { sleep_job: handler } });

    await expect(processor.process(fakeQueueJob(testPayload({ task: 'sleep_job', params: { ms: -5 } })))).rejects.toBeInstanceOf(UnrecoverableError);

    expect(handler).not.toHaveBeenCalled();
    expect(events.types()).toEqual(['failed']);
    expect(events.last('failed').error).toMatchObject({ code: 'invalid_params', retryable: false });
    expect(events.last('failed').error.message).toMatch(/^params\.ms /);
  });
});
