import { RuntimeHarness } from '../testing/runtime-harness';

jest.setTimeout(30_000);

// A job the gateway's reconciler re-enqueued after Redis lost it carries attemptBase = the
// attempts already recorded: numbering continues and only the attempts left are spent.
describe('worker runtime: re-enqueued jobs (attemptBase)', () => {
  const h = new RuntimeHarness('reenqueued', { RETRY_BACKOFF_BASE_MS: '50', RETRY_BACKOFF_CAP_MS: '100' });
  beforeAll(() => h.startRuntime(['pro']));
  afterAll(() => h.close());

  it('continues the attempt numbers and gives up at max attempts counted across both lives', async () => {
    const job = await h.enqueue('flaky_job', { fail_times: 10 }, { plan: 'pro', maxAttempts: 4, attemptBase: 2 });
    const failed = await h.waitForEvent(job.jobId, 'failed');
    expect((await h.events(job.jobId)).map((e) => `${e.type}#${e.attempt}`)).toEqual(['started#3', 'retrying#3', 'started#4', 'failed#4']);
    expect(failed).toMatchObject({ error: { code: 'flaky_transient', retryable: true } });
    expect((failed as { error: { message: string } }).error.message).toContain('gave up after 4 attempts');
    expect((await h.queues.queue('pro').getJob(job.jobId))?.opts.attempts).toBe(2);
  });

  it('a job whose last attempt was lost still gets one more run', async () => {
    const job = await h.enqueue('flaky_job', { fail_times: 0 }, { plan: 'pro', maxAttempts: 2, attemptBase: 2 });
    const done = await h.waitForEvent(job.jobId, 'succeeded');
    expect(done.attempt).toBe(3);
    expect(done).toMatchObject({ summary: { succeeded_on_attempt: 3 } });
  });

  it('a payload with a bad attemptBase is rejected without running', async () => {
    const job = await h.enqueue('noop_job', {}, { plan: 'pro', attemptBase: -1 });
    const failed = await h.waitForEvent(job.jobId, 'failed');
    expect(failed).toMatchObject({ error: { code: 'invalid_payload', retryable: false } });
    expect((failed as { error: { message: string } }).error.message).toContain('attemptBase');
    expect((await h.events(job.jobId)).map((e) => e.type)).toEqual(['failed']);
  });
});
