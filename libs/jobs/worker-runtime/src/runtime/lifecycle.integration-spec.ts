import { JobEvent } from '@validahub/jobs-domain';
import { RuntimeHarness, sleep, TERMINAL_EVENTS, waitFor } from '../testing/runtime-harness';

// Jest ignores testTimeout set on a project; retries, time limits and slow CI need more than 5 s.
jest.setTimeout(30_000);

describe('worker runtime: routing, lifecycle, priority, expiry, bad payloads', () => {
  const h = new RuntimeHarness('lifecycle');
  afterAll(() => h.close());

  it('each plan worker consumes only its own queue', async () => {
    const free = await h.startRuntime(['free'], { workerName: 'w-free' });
    const pro = await h.startRuntime(['pro'], { workerName: 'w-pro' });
    const forPro = await h.enqueue('noop_job', {}, { plan: 'pro' });
    const forFree = await h.enqueue('noop_job', {}, { plan: 'free' });
    const proStart = await h.waitForEvent(forPro.jobId, 'started');
    const freeStart = await h.waitForEvent(forFree.jobId, 'started');
    expect(proStart).toMatchObject({ worker: 'w-pro', attempt: 1 });
    expect(freeStart).toMatchObject({ worker: 'w-free', attempt: 1 });
    await h.waitForEvent(forPro.jobId, 'succeeded');
    await Promise.all([free.stop(), pro.stop()]);

    // With no worker for business, its job waits untouched.
    const forBusiness = await h.enqueue('noop_job', {}, { plan: 'business' });
    await sleep(300);
    expect(await h.events(forBusiness.jobId)).toEqual([]);
    expect(await h.queues.queue('business').getJobState(forBusiness.jobId)).toBe('prioritized');
  });

  it('reports started -> progress -> succeeded with the result and the attempt start time', async () => {
    const runtime = await h.startRuntime(['enterprise']);
    const job = await h.enqueue('sleep_job', { ms: 600 }, { plan: 'enterprise' });
    const done = await h.waitForEvent(job.jobId, 'succeeded');
    const events = await h.events(job.jobId);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('succeeded');
    const progress = events.filter((e) => e.type === 'progress') as Array<{ progress: number; message?: string }>;
    // The handler reports every 100 ms; the throttle (50 ms here) lets each through, in order.
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));
    expect(progress[0].message).toMatch(/^Slept \d+ of 600 ms$/);
    expect(types.slice(1, -1).every((t) => t === 'progress')).toBe(true);
    const started = events[0];
    expect(done).toMatchObject({ attempt: 1, startedAt: started.at, resultRef: null });
    expect((done as Extract<JobEvent, { type: 'succeeded' }>).summary?.slept_ms).toBeGreaterThanOrEqual(590);
    expect(await h.queues.queue('enterprise').getJobState(job.jobId)).toBe('completed');
    await runtime.stop();
  });

  it('runs the higher-priority job first even when it was queued last (concurrency 1)', async () => {
    const queued = [];
    for (const priority of [1, 3, 5]) queued.push({ priority, job: await h.enqueue('noop_job', {}, { plan: 'free' }, priority) });
    const urgent = await h.enqueue('noop_job', {}, { plan: 'free' }, 10);
    const runtime = await h.startRuntime(['free']);
    const ids = [urgent.jobId, ...queued.map((q) => q.job.jobId)];
    await waitFor(async () => (await h.events()).filter((e) => e.type === 'succeeded' && ids.includes(e.jobId)).length === 4);
    const starts = (await h.events()).filter((e) => e.type === 'started' && ids.includes(e.jobId)).map((e) => e.jobId);
    expect(starts).toEqual([urgent.jobId, queued[2].job.jobId, queued[1].job.jobId, queued[0].job.jobId]);
    await runtime.stop();
  });

  it('does not run a job whose expiry has passed: publishes expired and completes it', async () => {
    const runtime = await h.startRuntime(['pro']);
    const job = await h.enqueue('sleep_job', { ms: 5_000 }, { plan: 'pro', expiresAt: new Date(Date.now() - 1_000).toISOString() });
    const expired = await h.waitForEvent(job.jobId, 'expired');
    expect(expired.attempt).toBe(0);
    expect((await h.events(job.jobId)).map((e) => e.type)).toEqual(['expired']);
    await waitFor(async () => (await h.queues.queue('pro').getJobState(job.jobId)) === 'completed');
    expect(runtime.runningJobs).toBe(0);
    await runtime.stop();
  });

  it('fails a job with an untrusted payload without running it, and keeps working', async () => {
    const runtime = await h.startRuntime(['business']);
    const queue = h.queues.queue('business');
    const good = h.payload('noop_job', {}, { plan: 'business' });
    const badId = '0b7d2f9e-3c1a-4e55-9d7a-1f2e3d4c5b6a';
    await queue.add('noop_job', { ...good, jobId: badId, maxAttempts: 0, plan: 'platinum' }, { jobId: badId, attempts: 3 });
    await queue.add('garbage', 'not even an object', { jobId: 'garbage-1', attempts: 3 });
    const failed = await h.waitForEvent(badId, 'failed');
    expect(failed).toMatchObject({ error: { code: 'invalid_payload', retryable: false } });
    expect((failed as { error: { message: string } }).error.message).toMatch(/plan is invalid.*maxAttempts/);
    await waitFor(async () => (await queue.getJobState('garbage-1')) === 'failed');
    const garbage = await queue.getJob('garbage-1');
    expect(garbage?.attemptsMade).toBe(1);
    expect(garbage?.failedReason).toContain('payload is not an object');

    await h.queues.enqueue(good, { priority: 5 });
    await h.waitForEvent(good.jobId, 'succeeded');
    await runtime.stop();
  });

  it('fails unknown tasks and invalid params with a clear error, never running them', async () => {
    const runtime = await h.startRuntime(['pro']);
    const unknown = await h.enqueue('rm_rf_job', {}, { plan: 'pro' });
    const badParams = await h.enqueue('sleep_job', { ms: -1, extra: true }, { plan: 'pro' });
    const unknownFailed = await h.waitForEvent(unknown.jobId, 'failed');
    const paramsFailed = await h.waitForEvent(badParams.jobId, 'failed');
    expect(unknownFailed).toMatchObject({ error: { code: 'unknown_task', retryable: false } });
    expect(paramsFailed).toMatchObject({ error: { code: 'invalid_params', retryable: false } });
    expect((paramsFailed as { error: { message: string } }).error.message).toContain('params.extra');
    for (const id of [unknown.jobId, badParams.jobId]) {
      expect((await h.events(id)).filter((e) => TERMINAL_EVENTS.includes(e.type) || e.type === 'started').map((e) => e.type)).toEqual(['failed']);
    }
    await runtime.stop();
  });
});
