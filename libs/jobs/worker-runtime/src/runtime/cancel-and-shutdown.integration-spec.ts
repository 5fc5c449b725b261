import { JobEvent, JobPayload } from '@validahub/jobs-domain';
import { RuntimeHarness, sleep, TERMINAL_EVENTS, waitFor } from '../testing/runtime-harness';

// Jest ignores testTimeout set on a project; retries, time limits and slow CI need more than 5 s.
jest.setTimeout(30_000);

describe('worker runtime: cancellation', () => {
  const h = new RuntimeHarness('cancel');
  beforeAll(() => h.startRuntime(['pro']));
  afterAll(() => h.close());

  it('cancels a running job: cancelled event, BullMQ job ended without retry', async () => {
    const job = await h.enqueue('sleep_job', { ms: 20_000 }, { plan: 'pro', maxAttempts: 3 });
    await h.waitForEvent(job.jobId, 'started');
    expect(await h.cancel(job.jobId, 'user asked')).toBeGreaterThanOrEqual(1);
    const cancelled = await h.waitForEvent(job.jobId, 'cancelled', 3_000);
    expect(cancelled).toMatchObject({ attempt: 1, reason: 'user asked' });
    await waitFor(async () => (await h.queues.queue('pro').getJobState(job.jobId)) === 'failed');
    await sleep(700);
    const types = (await h.events(job.jobId)).map((e) => e.type).filter((t) => t !== 'progress');
    expect(types).toEqual(['started', 'cancelled']);
    expect((await h.queues.queue('pro').getJob(job.jobId))?.attemptsMade).toBe(1);
  });

  it('ignores cancels for jobs it is not running, and cancels a job picked up right after its cancel', async () => {
    const ghost = '9f0e8d7c-6b5a-4493-8271-605f4e3d2c1b';
    await h.cancel(ghost);
    // The gateway could not remove it from the queue in time: it arrives just after the cancel.
    const job = h.payload('sleep_job', { ms: 5_000 }, { plan: 'pro', jobId: ghost });
    await h.queues.enqueue(job, { priority: 5 });
    const cancelled = await h.waitForEvent(ghost, 'cancelled');
    expect(cancelled.attempt).toBe(0);
    expect((await h.events(ghost)).map((e) => e.type)).toEqual(['cancelled']);
  });

  it('publishes exactly one terminal event when a cancel races completion', async () => {
    const jobs: JobPayload[] = [];
    for (let i = 0; i < 12; i++) jobs.push(await h.enqueue('sleep_job', { ms: 60 + i * 10 }, { plan: 'pro' }));
    for (const job of jobs) {
      await h.waitForEvent(job.jobId, 'started', 10_000);
      // Fire cancels around the moment the handler finishes.
      setTimeout(() => void h.cancel(job.jobId), 60 + Math.random() * 40);
      setTimeout(() => void h.cancel(job.jobId), 80);
    }
    await waitFor(async () => {
      const all = await h.events();
      return jobs.every((j) => all.some((e) => e.jobId === j.jobId && TERMINAL_EVENTS.includes(e.type)));
    }, 15_000);
    await sleep(300);
    const all = await h.events();
    const outcomes: string[] = [];
    for (const job of jobs) {
      const terminal = all.filter((e: JobEvent) => e.jobId === job.jobId && TERMINAL_EVENTS.includes(e.type));
      expect(terminal).toHaveLength(1);
      outcomes.push(terminal[0].type);
    }
    expect(outcomes.every((o) => o === 'succeeded' || o === 'cancelled')).toBe(true);
  });
});

describe('worker runtime: graceful shutdown', () => {
  const h = new RuntimeHarness('shutdown');
  afterAll(() => h.close());

  it('lets a job finish within the grace period', async () => {
    const runtime = await h.startRuntime(['free'], { shutdownGraceMs: 3_000 });
    const job = await h.enqueue('sleep_job', { ms: 500 }, { plan: 'free' });
    await h.waitForEvent(job.jobId, 'started');
    await runtime.stop();
    expect((await h.events(job.jobId)).at(-1)).toMatchObject({ type: 'succeeded' });
  });

  it('hands a running job back after the grace period; another worker finishes it', async () => {
    const first = await h.startRuntime(['free'], { shutdownGraceMs: 300, workerName: 'first' });
    const job = await h.enqueue('sleep_job', { ms: 1_500 }, { plan: 'free', maxAttempts: 1 });
    await h.waitForEvent(job.jobId, 'started');
    const stopStarted = Date.now();
    await first.stop();
    expect(Date.now() - stopStarted).toBeLessThan(2_000);
    // No terminal event from the stopped worker, and the job is waiting again.
    expect((await h.events(job.jobId)).filter((e) => TERMINAL_EVENTS.includes(e.type))).toEqual([]);
    expect(['waiting', 'prioritized']).toContain(await h.queues.queue('free').getJobState(job.jobId));

    await h.startRuntime(['free'], { workerName: 'second' });
    const done = await h.waitForEvent(job.jobId, 'succeeded', 5_000);
    const starts = (await h.events(job.jobId)).filter((e) => e.type === 'started');
    expect(starts.map((s) => (s as { worker?: string }).worker)).toEqual(['first', 'second']);
    // Handing back is not a failed attempt: the retry budget (1 attempt) was not spent.
    expect(starts.map((s) => s.attempt)).toEqual([1, 1]);
    expect(done.attempt).toBe(1);
  });

  it('stops even when a handler ignores the shutdown abort', async () => {
    const runtime = await h.startRuntime(['business'], { shutdownGraceMs: 200 });
    const job = await h.enqueue('sleep_job', { ms: 4_000, ignore_signal: true }, { plan: 'business' });
    await h.waitForEvent(job.jobId, 'started');
    const stopStarted = Date.now();
    await runtime.stop();
    expect(Date.now() - stopStarted).toBeLessThan(1_500);
    expect((await h.events(job.jobId)).filter((e) => TERMINAL_EVENTS.includes(e.type))).toEqual([]);
  });
});
