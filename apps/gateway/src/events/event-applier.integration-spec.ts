import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JobEvent } from '@validahub/jobs-domain';
import { createRedis, jobEventsStreamKey, subscribeCancels, CancelRequest } from '@validahub/jobs-queueing';
import { TEST_REDIS_URL } from '@validahub/testing';
import { createGatewayHarness, GatewayHarness, scrapeMetrics, waitFor } from '../testing/gateway-harness';

type Trail = { from_status: string | null; to_status: string; attempt: number; actor: string; at: string }[];

describe('event applier: worker events reach Postgres', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createGatewayHarness('applier', { ENABLE_TEST_TASKS: 'true' });
    app = await harness.start();
  });
  afterAll(() => harness?.close());

  const createJob = async (target = app, plan = 'pro'): Promise<string> => {
    const response = await target.inject({ method: 'POST', url: '/api/v1/jobs', payload: { task: 'noop_job', params: {}, plan } });
    expect(response.statusCode).toBe(202);
    return response.json().id;
  };
  const job = async (id: string, target = app) => (await target.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json();
  const trail = async (id: string, target = app): Promise<Trail> =>
    (await target.inject({ method: 'GET', url: `/api/v1/jobs/${id}/events` })).json().items;
  const publish = (event: JobEvent) => harness.publisher.publish(event);
  const now = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
  const started = (jobId: string, attempt = 1): JobEvent => ({ type: 'started', jobId, attempt, at: now() });
  const succeeded = (jobId: string, attempt = 1, startedAt = now(-50)): JobEvent => ({
    type: 'succeeded',
    jobId,
    attempt,
    at: now(),
    startedAt,
    resultRef: `s3://results/${jobId}.json`,
    summary: { rows_total: 10, rows_valid: 9 },
  });
  const streamDrained = async () => (await harness.redis.xlen(jobEventsStreamKey(harness.prefix))) === 0;

  it('moves a job queued -> running -> succeeded and records the audit trail oldest first', async () => {
    const id = await createJob();
    await publish(started(id));
    await waitFor(async () => (await job(id)).status === 'running', 10_000, 'running');
    await publish({ type: 'progress', jobId: id, attempt: 1, at: now(), progress: 65.5, message: 'Validating 1500 rows' });
    await waitFor(async () => (await job(id)).progress === 65.5, 10_000, 'progress');
    expect(await job(id)).toMatchObject({ status: 'running', message: 'Validating 1500 rows', attempts: 1, started_at: expect.any(String) });
    await publish(succeeded(id));
    const done = await waitFor(
      async () => {
        const j = await job(id);
        return j.status === 'succeeded' && j;
      },
      10_000,
      'succeeded',
    );
    expect(done).toMatchObject({ progress: 100, result_ref: `s3://results/${id}.json`, summary: { rows_total: 10, rows_valid: 9 }, error: null });
    expect(Date.parse(done.finished_at)).toBeGreaterThanOrEqual(Date.parse(done.started_at));

    const events = await trail(id);
    expect(events.map((e) => [e.from_status, e.to_status, e.attempt, e.actor])).toEqual([
      [null, 'queued', 0, 'api'],
      ['queued', 'running', 1, 'worker'],
      ['running', 'succeeded', 1, 'worker'],
    ]);
    const times = events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const result = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result` });
    expect(result.statusCode).toBe(200);
    expect(result.json()).toEqual({
      job_id: id,
      status: 'succeeded',
      result_ref: `s3://results/${id}.json`,
      summary: { rows_total: 10, rows_valid: 9 },
      finished_at: done.finished_at,
    });
    const cancel = await app.inject({ method: 'DELETE', url: `/api/v1/jobs/${id}` });
    expect(cancel.statusCode).toBe(409);
  });

  it('streams the stored result of a succeeded job, and answers 404 once it is gone', async () => {
    const id = await createJob();
    const report = JSON.stringify({ rows_total: 2, issues: [] });
    await mkdir(join(harness.storageRoot, 'results'), { recursive: true });
    await writeFile(join(harness.storageRoot, 'results', `${id}.json`), report);
    await publish({
      type: 'succeeded',
      jobId: id,
      attempt: 1,
      at: now(),
      startedAt: now(-5),
      resultRef: `results/${id}.json`,
      summary: { rows_total: 2 },
    });
    await waitFor(async () => (await job(id)).status === 'succeeded', 10_000, 'succeeded');
    const content = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content` });
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toMatch(/^application\/json/);
    expect(content.headers['content-disposition']).toBe(`attachment; filename="${id}.json"`);
    expect(content.body).toBe(report);
    await rm(join(harness.storageRoot, 'results', `${id}.json`));
    const gone = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content` });
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('applies duplicated and out-of-order events once', async () => {
    const id = await createJob();
    const start = started(id);
    const end = succeeded(id, 1, start.at);
    for (const event of [end, start, end, start, { type: 'progress', jobId: id, attempt: 1, at: now(), progress: 5 } as JobEvent])
      await publish(event);
    await waitFor(streamDrained, 10_000, 'stream drained');
    expect(await job(id)).toMatchObject({ status: 'succeeded', progress: 100 });
    expect((await trail(id)).map((e) => e.to_status)).toEqual(['queued', 'running', 'succeeded']);
  });

  it('records a failure with its error and a retry in between', async () => {
    const id = await createJob();
    await publish(started(id, 1));
    await publish({
      type: 'retrying',
      jobId: id,
      attempt: 1,
      at: now(),
      startedAt: now(-10),
      error: { code: 'storage_unavailable', message: 'S3 down', retryable: true },
    });
    await publish(started(id, 2));
    await publish({
      type: 'failed',
      jobId: id,
      attempt: 2,
      at: now(5),
      error: { code: 'input_not_found', message: 'no such key', retryable: false },
    });
    await waitFor(async () => (await job(id)).status === 'failed', 10_000, 'failed');
    expect(await job(id)).toMatchObject({
      attempts: 2,
      error: { code: 'input_not_found', message: 'no such key', retryable: false },
      finished_at: expect.any(String),
    });
    expect((await trail(id)).map((e) => `${e.to_status}@${e.attempt}`)).toEqual(['queued@0', 'running@1', 'retrying@1', 'running@2', 'failed@2']);
    const result = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result` });
    expect(result.statusCode).toBe(409);
    expect(result.json()).toMatchObject({ job_status: 'failed' });
  });

  it('acknowledges events for unknown jobs and keeps going', async () => {
    await publish(started('550e8400-e29b-41d4-a716-446655440000'));
    const id = await createJob();
    await publish(started(id));
    await waitFor(async () => (await job(id)).status === 'running', 10_000, 'running');
    await waitFor(streamDrained, 10_000, 'stream drained');
  });

  it('cancels a running job through the worker: 202, cancel_requested, a cancel message, then cancelled', async () => {
    const subscriber = createRedis(TEST_REDIS_URL, 'worker');
    const received: CancelRequest[] = [];
    const unsubscribe = await subscribeCancels(subscriber, harness.prefix, (request) => received.push(request));
    try {
      const id = await createJob();
      await publish(started(id));
      await waitFor(async () => (await job(id)).status === 'running', 10_000, 'running');
      const response = await app.inject({ method: 'DELETE', url: `/api/v1/jobs/${id}` });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toMatchObject({ id, status: 'running', cancel_requested: true });
      await waitFor(() => received.some((r) => r.jobId === id), 5_000, 'cancel message');
      await publish({ type: 'cancelled', jobId: id, attempt: 1, at: now(), startedAt: now(-5), reason: 'cancelled by client' });
      await waitFor(async () => (await job(id)).status === 'cancelled', 10_000, 'cancelled');
      expect((await trail(id)).at(-1)).toMatchObject({ from_status: 'running', to_status: 'cancelled', actor: 'worker' });
    } finally {
      await unsubscribe();
      subscriber.disconnect();
    }
  });

  it('cancels a job a worker already holds (BullMQ active, start not yet applied) through the worker', async () => {
    const id = await createJob(app, 'enterprise'); // the only job on that queue
    const queue = harness.queues.queue('enterprise');
    const { Worker } = await import('bullmq');
    // Take the job like a worker would, without processing it: it becomes "active" in BullMQ.
    const worker = new Worker(queue.name, null, { connection: { host: '127.0.0.1', port: 6379 }, prefix: harness.prefix, autorun: false });
    try {
      const taken = await waitFor(async () => (await worker.getNextJob('test-token')) ?? undefined, 5_000, 'job taken');
      expect(taken.id).toBe(id);
      const response = await app.inject({ method: 'DELETE', url: `/api/v1/jobs/${id}` });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toMatchObject({ status: 'queued', cancel_requested: true });
    } finally {
      await worker.close(true);
    }
  });

  it('exposes the event-applier lag and transitions as metrics', async () => {
    const text = await scrapeMetrics(app);
    expect(text).toMatch(/job_event_apply_lag_seconds_count\{[^}]*type="started"[^}]*\} [1-9]/);
    expect(text).toMatch(/job_transitions_total\{[^}]*to_status="succeeded"[^}]*actor="worker"[^}]*\} [1-9]/);
    expect(text).toMatch(/job_events_consumed_total\{[^}]*outcome="unknown-job"[^}]*\} 1/);
  });

  it('loses no transition across a gateway restart while a worker keeps publishing', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await createJob());
    const publishing = (async () => {
      for (const id of ids) {
        await publish(started(id));
        await publish(succeeded(id));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 40));
    await harness.stop(app); // stops while events keep arriving
    await publishing;
    app = await harness.start();
    for (const id of ids) await waitFor(async () => (await job(id)).status === 'succeeded', 15_000, `job ${id} succeeded`);
    for (const id of ids) expect((await trail(id)).map((e) => e.to_status)).toEqual(['queued', 'running', 'succeeded']);
    await waitFor(streamDrained, 10_000, 'stream drained');
  });

  it('shares the work between two replicas, applying each event once', async () => {
    const second = await harness.start();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await createJob());
      for (const id of ids) {
        await publish(started(id));
        await publish(succeeded(id));
      }
      for (const id of ids) await waitFor(async () => (await job(id, second)).status === 'succeeded', 15_000, `job ${id}`);
      for (const id of ids) expect((await trail(id)).map((e) => e.to_status)).toEqual(['queued', 'running', 'succeeded']);
      const consumers = (await harness.redis.xinfo('CONSUMERS', jobEventsStreamKey(harness.prefix), 'gateway')) as unknown[];
      expect(consumers.length).toBeGreaterThanOrEqual(2);
    } finally {
      await harness.stop(second);
    }
  });
});
