import { ConnectionOptions, Worker } from 'bullmq';
import { JobEvent, queueForPlan } from '@validahub/jobs-domain';
import { redisOptions } from '@validahub/jobs-queueing';
import { TEST_REDIS_URL } from '@validahub/testing';
import { RuntimeHarness, TERMINAL_EVENTS, waitFor } from '../testing/runtime-harness';

// Jest ignores testTimeout set on a project; stalled-job detection takes a few intervals.
jest.setTimeout(30_000);

/** Takes the next job of the queue like a worker that then dies: the lock is never renewed. */
async function takeJobAndDie(prefix: string, plan: 'free' | 'pro'): Promise<string> {
  const { retryStrategy: _ignored, ...connection } = redisOptions(TEST_REDIS_URL, 'worker');
  const doomed = new Worker(queueForPlan(plan), null, { connection: connection as ConnectionOptions, prefix, lockDuration: 800, autorun: false });
  const job = await doomed.getNextJob('doomed-token');
  if (!job?.id) throw new Error('no job to take');
  await doomed.close(true);
  return job.id;
}

describe('worker runtime: jobs whose worker died', () => {
  const h = new RuntimeHarness('stalled');
  afterAll(() => h.close());

  it('recovers a job once: it runs again with the same attempt number', async () => {
    const job = await h.enqueue('noop_job', {}, { plan: 'pro' });
    expect(await takeJobAndDie(h.prefix, 'pro')).toBe(job.jobId);
    await h.startRuntime(['pro'], { stall: { lockDurationMs: 2_000, stalledIntervalMs: 500, maxStalledCount: 1 } });
    const done = await h.waitForEvent(job.jobId, 'succeeded', 15_000);
    expect(done.attempt).toBe(1);
  });

  it('fails a job that stalled more than maxStalledCount times with worker_lost', async () => {
    const job = await h.enqueue('noop_job', {}, { plan: 'free', maxAttempts: 3 });
    expect(await takeJobAndDie(h.prefix, 'free')).toBe(job.jobId);
    await h.startRuntime(['free'], { stall: { lockDurationMs: 2_000, stalledIntervalMs: 500, maxStalledCount: 0 } });
    const failed = (await h.waitForEvent(job.jobId, 'failed', 15_000)) as Extract<JobEvent, { type: 'failed' }>;
    expect(failed.error).toMatchObject({ code: 'worker_lost', retryable: false });
    expect(failed.error.message).toContain('stalled more than allowable limit');
    await waitFor(async () => (await h.queues.queue('free').getJobState(job.jobId)) === 'failed');
    expect((await h.events(job.jobId)).filter((e) => TERMINAL_EVENTS.includes(e.type) || e.type === 'started').map((e) => e.type)).toEqual([
      'failed',
    ]);
  });
});
