import { JobEvent } from '@validahub/jobs-domain';
import { RuntimeHarness, sleep, waitFor } from '../testing/runtime-harness';

// Jest ignores testTimeout set on a project; the limits below take a few seconds each.
jest.setTimeout(60_000);

type Failed = Extract<JobEvent, { type: 'failed' }>;

// The test tasks run in sandbox threads (the harness's default): each attempt can be killed,
// its heap is capped, and the worker's own thread stays free for lock renewals and other jobs.
describe('worker runtime: the task sandbox', () => {
  // Short locks: a blocked event loop would miss renewals within 2 s and the job would stall.
  // One warm thread per pool: these limits are seconds long, and on a loaded machine a cold
  // thread's start (part of an attempt's time limit) could take most of one.
  const h = new RuntimeHarness('sandbox', { TASK_MEMORY_MB_HOG_JOB: '64', TASK_SANDBOX_WARM_THREADS: '1' });
  const stall = { lockDurationMs: 2_000, stalledIntervalMs: 500, maxStalledCount: 1 };
  beforeAll(() => h.startRuntime(['free', 'pro'], { stall }));
  afterAll(() => h.close());

  it('kills a handler that never yields at its time limit: failed time_limit_exceeded, no stall, the slot comes back', async () => {
    // free runs one job at a time: the noop behind the spinning job proves its slot came back.
    const spinning = await h.enqueue('spin_job', {}, { plan: 'free', timeLimitSeconds: 3, maxAttempts: 2 });
    const next = await h.enqueue('noop_job', {}, { plan: 'free' });
    const failed = (await h.waitForEvent(spinning.jobId, 'failed', 10_000)) as Failed;
    expect(failed.error).toEqual({ code: 'time_limit_exceeded', message: 'time limit of 3s exceeded', retryable: false });
    const ranMs = Date.parse(failed.at) - Date.parse(failed.startedAt!);
    // The limit, then the abort grace (300 ms in the harness), then the kill.
    expect(ranMs).toBeGreaterThanOrEqual(3_000);
    expect(ranMs).toBeLessThan(3_000 + 2_000);
    await h.waitForEvent(next.jobId, 'succeeded', 10_000);
    // Three seconds is past the 2 s lock: only renewals from a free event loop kept it from stalling.
    await sleep(stall.lockDurationMs);
    expect((await h.events(spinning.jobId)).map((e) => e.type)).toEqual(['started', 'progress', 'failed']);
  });

  it('ends an attempt past its heap cap with resource_limit_exceeded, not retried, and the worker serves the next job', async () => {
    const hog = await h.enqueue('hog_job', {}, { plan: 'free', maxAttempts: 3 });
    const failed = (await h.waitForEvent(hog.jobId, 'failed', 30_000)) as Failed;
    expect(failed.error).toEqual({
      code: 'resource_limit_exceeded',
      message: 'the attempt used more than its memory limit of 64 MiB (JavaScript heap)',
      retryable: false,
    });
    expect((await h.events(hog.jobId)).filter((e) => e.type === 'started')).toHaveLength(1);
    const next = await h.enqueue('hog_job', { stop_at_mb: 8 }, { plan: 'free' });
    await expect(h.waitForEvent(next.jobId, 'succeeded', 10_000)).resolves.toMatchObject({ summary: { held_mb: 8 } });
  });

  it('runs other attempts undisturbed beside a spinning one, with their progress flowing', async () => {
    const spinning = await h.enqueue('spin_job', {}, { plan: 'pro', timeLimitSeconds: 4 });
    await h.waitForEvent(spinning.jobId, 'started');
    const sleeper = await h.enqueue('sleep_job', { ms: 1_500 }, { plan: 'pro' });
    const done = await h.waitForEvent(sleeper.jobId, 'succeeded', 10_000);
    const events = await h.events(sleeper.jobId);
    expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThanOrEqual(3);
    // It finished while the spinning job was still running.
    expect((await h.events(spinning.jobId)).map((e) => e.type)).not.toContain('failed');
    expect(Date.parse(done.at) - Date.parse(events[0].at)).toBeLessThan(3_500);
    await h.waitForEvent(spinning.jobId, 'failed', 10_000);
  });

  it('cancels a spinning attempt: cancelled once the grace is over, and the thread is gone', async () => {
    const spinning = await h.enqueue('spin_job', {}, { plan: 'free', timeLimitSeconds: 60 });
    await h.waitForEvent(spinning.jobId, 'started');
    await h.cancel(spinning.jobId, 'stop spinning');
    const cancelled = await h.waitForEvent(spinning.jobId, 'cancelled', 5_000);
    expect(cancelled).toMatchObject({ reason: 'stop spinning' });
    const next = await h.enqueue('noop_job', {}, { plan: 'free' });
    await h.waitForEvent(next.jobId, 'succeeded', 10_000);
  });

  it('aborts a run whose lock another worker holds now (BullMQ lockRenewalFailed): it reports nothing', async () => {
    const runtime = await h.startRuntime(['business'], { stall });
    const job = await h.enqueue('sleep_job', { ms: 4_000 }, { plan: 'business' });
    await h.waitForEvent(job.jobId, 'started');
    // As if the lock expired and another worker took the job: the next renewal finds a token not ours.
    await h.redis.set(`${h.prefix}:queue-business:${job.jobId}:lock`, 'another-workers-token', 'PX', 30_000);
    await waitFor(() => runtime.runningJobs === 0, 5_000, 'the run aborted');
    await sleep(4_500);
    expect((await h.events(job.jobId)).map((e) => e.type).filter((type) => type !== 'progress')).toEqual(['started']);
  });

  it('aborts the older run when the job is recovered and fetched again by this same worker: one terminal event', async () => {
    const job = await h.enqueue('sleep_job', { ms: 3_000 }, { plan: 'pro' });
    await h.waitForEvent(job.jobId, 'started');
    // As if the lock expired while Redis was unreachable: the stalled-job check returns the job to its queue.
    await h.redis.del(`${h.prefix}:queue-pro:${job.jobId}:lock`);
    await waitFor(async () => (await h.events(job.jobId)).filter((e) => e.type === 'started').length === 2, 10_000, 'recovered run started');
    const done = await h.waitForEvent(job.jobId, 'succeeded', 10_000);
    expect(done.attempt).toBe(1);
    await sleep(3_500);
    const terminal = (await h.events(job.jobId)).filter((e) => ['succeeded', 'failed', 'cancelled'].includes(e.type));
    expect(terminal).toHaveLength(1);
  });
});
