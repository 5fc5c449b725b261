import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiProblemError, createJobsClient, JobsClient } from '@validahub/jobs-client';
import { WORKSPACE_ROOT } from '@validahub/testing';
import { TestSystem } from '../support/system';

const SAMPLE = readFileSync(join(WORKSPACE_ROOT, 'samples', 'mercado-livre-electronics.csv'));

/** The typed client against the real platform (gateway and a worker as processes): the seed's tests, then a whole CSV job. */
describe('jobs-client against the platform', () => {
  let system: TestSystem;
  let client: JobsClient;

  beforeAll(async () => {
    system = await TestSystem.create({ label: 'client' });
    await system.startGateway();
    await system.startWorker(['pro']);
    client = createJobsClient({ baseUrl: system.api.baseUrl });
  });
  afterAll(() => system?.stop());

  it("round-trips the seed's Basic Test", async () => {
    const { job, status } = await client.createJob({
      task: 'validate_csv_job',
      params: { input_uri: 'test.csv', marketplace: 'mercado_livre' },
      plan: 'pro',
    });
    expect(status).toBe(202);
    expect(job).toMatchObject({ task_name: 'validate_csv_job', status: 'queued', progress: 0, plan: 'pro', queue: 'queue-pro', priority: 5 });
    const fetched = await client.getJob(job.id);
    expect(fetched.id).toBe(job.id);
    expect(['queued', 'running', 'failed']).toContain(fetched.status);
    // test.csv does not exist: the job fails for that reason, and the client follows it there.
    const done = await client.waitForJob(job.id, { timeoutMs: 60_000 });
    expect(done).toMatchObject({ status: 'failed', error: { code: 'input_not_found', retryable: false } });
  });

  it("round-trips the seed's Idempotency Test (same key, same job)", async () => {
    const body = { task: 'validate_csv_job' as const, params: { input_uri: 'test.csv' }, idempotency_key: `test-123-${Date.now()}` };
    const first = await client.createJob(body);
    const second = await client.api.POST('/api/v1/jobs', { body, headers: { Prefer: 'return=representation' } });
    expect(second.response.status).toBe(202);
    expect(second.data?.id).toBe(first.job.id);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    const differently = await client.createJob({ ...body, params: { input_uri: 'other.csv' } }).catch((e: unknown) => e);
    expect(differently).toBeInstanceOf(ApiProblemError);
    expect(differently).toMatchObject({ status: 422, slug: 'idempotency-key-reused' });
  });

  it('uploads a feed, follows its job to the end and downloads the report and the corrected CSV', async () => {
    const uploaded = await client.upload(new Blob([SAMPLE], { type: 'text/csv' }), 'feed.csv');
    expect(uploaded.size).toBe(SAMPLE.length);
    const { job } = await client.createJob({
      task: 'validate_csv_job',
      params: { input_uri: uploaded.uri, marketplace: 'mercado_livre', category: 'electronics', auto_fix: true },
      plan: 'pro',
    });
    const seen: string[] = [];
    const done = await client.waitForJob(job.id, { timeoutMs: 60_000, onUpdate: (j) => seen.push(j.status) });
    // The gateway streams the job's events: the client followed them, not a poll.
    expect(done).toMatchObject({ status: 'succeeded', followedBy: 'stream', summary: { rows_total: 5 } });
    expect(seen.at(-1)).toBe('succeeded');
    const report = (await (await client.downloadResult(job.id, 'report')).json()) as { summary: { rows_total: number } };
    expect(report.summary.rows_total).toBe(5);
    const corrected = await (await client.downloadResult(job.id, 'corrected')).text();
    expect(corrected.split(/\r?\n/)[0]).toBe(SAMPLE.toString('utf8').split(/\r?\n/)[0]);
    expect((await client.getJobEvents(job.id)).map((e) => e.to_status)).toEqual(['queued', 'running', 'succeeded']);
  });
});
