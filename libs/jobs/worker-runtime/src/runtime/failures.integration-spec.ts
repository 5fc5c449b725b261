import { JobEvent } from '@validahub/jobs-domain';
import { RuntimeHarness, sleep, waitFor } from '../testing/runtime-harness';

// Jest ignores testTimeout set on a project; retries, time limits and slow CI need more than 5 s.
jest.setTimeout(30_000);

type Retrying = Extract<JobEvent, { type: 'retrying' }>;
type Failed = Extract<JobEvent, { type: 'failed' }>;

describe('worker runtime: permanent errors, retries with backoff, time limits', () => {
  const h = new RuntimeHarness('failures', { RETRY_BACKOFF_BASE_MS: '400', RETRY_BACKOFF_CAP_MS: '10000' });
  beforeAll(() => h.startRuntime(['pro', 'free']));
  afterAll(() => h.close());

  it('fails a permanent error at once, with the handler error, and never retries it', async () => {
    const job = await h.enqueue('flaky_job', { fail_times: 5, permanent: true }, { plan: 'pro', maxAttempts: 4 });
    const failed = (await h.waitForEvent(job.jobId, 'failed')) as Failed;
    expect(failed.error).toEqual({ code: 'flaky_permanent', message: 'flaky_job failing attempt 1 of 5', retryable: false });
    expect(failed.startedAt).toBeDefined();
    await sleep(800);
    expect((await h.events(job.jobId)).map((e) => e.type)).toEqual(['started', 'failed']);
    const bull = await h.queues.queue('pro').getJob(job.jobId);
    expect(await bull?.getState()).toBe('failed');
    expect(bull?.attemptsMade).toBe(1);
  });

  it('retries a transient error with growing gaps and succeeds on the 3rd attempt', async () => {
    const job = await h.enqueue('flaky_job', { fail_times: 2 }, { plan: 'pro', maxAttempts: 4 });
    const done = await h.waitForEvent(job.jobId, 'succeeded', 15_000);
    const events = await h.events(job.jobId);
    expect(events.map((e) => `${e.type}#${e.attempt}`)).toEqual(['started#1', 'retrying#1', 'started#2', 'retrying#2', 'started#3', 'succeeded#3']);
    expect(done).toMatchObject({ summary: { succeeded_on_attempt: 3 } });
    const retries = events.filter((e): e is Retrying => e.type === 'retrying');
    const starts = events.filter((e) => e.type === 'started');
    expect(retries[0].error).toEqual({ code: 'flaky_transient', message: 'flaky_job failing attempt 1 of 2', retryable: true });
    const gaps = [0, 1].map((i) => Date.parse(starts[i + 1].at) - Date.parse(retries[i].at));
    const announced = [0, 1].map((i) => Date.parse(retries[i].nextAttemptAt!) - Date.parse(retries[i].at));
    // Equal-jitter backoff, base 400 ms: attempt 1 waits 200..400 ms, attempt 2 waits 400..800 ms.
    expect(announced[0]).toBeGreaterThanOrEqual(200);
    expect(announced[0]).toBeLessThanOrEqual(400);
    expect(announced[1]).toBeGreaterThanOrEqual(400);
    expect(announced[1]).toBeLessThanOrEqual(800);
    // The next attempt really starts when announced (BullMQ used the same delay), not before.
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(announced[i] - 20);
      expect(gap).toBeLessThan(announced[i] + 1_000);
    });
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
  });

  it('fails a transient error once the attempts are used up', async () => {
    const job = await h.enqueue('flaky_job', { fail_times: 9 }, { plan: 'pro', maxAttempts: 2 });
    const failed = (await h.waitForEvent(job.jobId, 'failed', 10_000)) as Failed;
    expect(failed.attempt).toBe(2);
    expect(failed.error).toEqual({
      code: 'flaky_transient',
      message: 'flaky_job failing attempt 2 of 9 (gave up after 2 attempts)',
      retryable: true,
    });
    expect((await h.events(job.jobId)).map((e) => e.type)).toEqual(['started', 'retrying', 'started', 'failed']);
  });

  it('aborts a handler that honours its signal at the time limit: failed time_limit_exceeded, no retry', async () => {
    const job = await h.enqueue('sleep_job', { ms: 20_000 }, { plan: 'free', timeLimitSeconds: 1, maxAttempts: 3 });
    const failed = (await h.waitForEvent(job.jobId, 'failed', 5_000)) as Failed;
    expect(failed.error).toEqual({ code: 'time_limit_exceeded', message: 'time limit of 1s exceeded', retryable: false });
    const ranMs = Date.parse(failed.at) - Date.parse(failed.startedAt!);
    expect(ranMs).toBeGreaterThanOrEqual(1_000);
    expect(ranMs).toBeLessThan(1_250);
    await sleep(500);
    expect((await h.events(job.jobId)).filter((e) => e.type === 'started')).toHaveLength(1);
  });

  it('frees the slot of a handler that ignores its signal after the abort grace', async () => {
    // free runs with concurrency 1: the noop queued behind the stuck job proves the slot came back.
    const stuck = await h.enqueue('sleep_job', { ms: 8_000, ignore_signal: true }, { plan: 'free', timeLimitSeconds: 1 });
    const next = await h.enqueue('noop_job', {}, { plan: 'free' });
    const failed = (await h.waitForEvent(stuck.jobId, 'failed', 5_000)) as Failed;
    expect(failed.error.code).toBe('time_limit_exceeded');
    const ranMs = Date.parse(failed.at) - Date.parse(failed.startedAt!);
    expect(ranMs).toBeGreaterThanOrEqual(1_300 - 20); // limit + the harness's 300 ms grace
    expect(ranMs).toBeLessThan(2_000);
    // The slot comes back once the stuck sandbox thread is replaced; a new thread loads the task
    // code (1-2 s on a busy 2-core machine), so this bounds "freed", not how fast a thread starts.
    const nextDone = await h.waitForEvent(next.jobId, 'succeeded', 6_000);
    expect(Date.parse(nextDone.at) - Date.parse(failed.startedAt!)).toBeLessThan(6_000);
    await waitFor(async () => (await h.queues.queue('free').getJobState(stuck.jobId)) === 'failed');
  });
});
