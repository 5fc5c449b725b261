import { createHash } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { S3Client } from '@aws-sdk/client-s3';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { freePort, uniqueBucketName } from '@validahub/testing';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import {
  createBucket,
  createJob,
  dropBucket,
  listKeys,
  readObject,
  resultKey,
  s3Env,
  SAMPLE_FEED,
  startWorker,
  testS3Client,
  upload,
  waitForTerminal,
} from '../testing/storage-test-kit';

jest.setTimeout(60_000);

const MAX_UPLOAD_BYTES = 256 * 1024;

describe('uploads and results in S3 (s3rver), with a real worker', () => {
  const bucket = uniqueBucketName('files-s3');
  let client: S3Client;
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let worker: WorkerRuntime;

  beforeAll(async () => {
    client = testS3Client();
    await createBucket(client, bucket);
    harness = await createGatewayHarness('files_s3', { ...s3Env(bucket), MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES), S3_ALLOWED_BUCKETS: bucket });
    app = await harness.start();
    worker = await startWorker(harness.config);
  });

  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
    await dropBucket(client, bucket);
    client.destroy();
  });

  async function uploadSample(): Promise<string> {
    const response = await upload(app, SAMPLE_FEED);
    expect(response.statusCode).toBe(201);
    return (response.json() as { uri: string }).uri;
  }

  it('stores an upload in the results bucket and answers its uri, size and sha256', async () => {
    const response = await upload(app, SAMPLE_FEED);
    expect(response.statusCode).toBe(201);
    const body = response.json() as { uri: string; size: number; sha256: string };
    expect(body.uri).toMatch(new RegExp(`^s3://${bucket}/uploads/\\d{4}/\\d{2}/[0-9a-f-]{36}\\.csv$`));
    expect(body.size).toBe(Buffer.byteLength(SAMPLE_FEED));
    expect(body.sha256).toBe(createHash('sha256').update(SAMPLE_FEED).digest('hex'));
    expect(await readObject(client, body.uri)).toBe(SAMPLE_FEED);
  });

  it('runs correct_csv_job on an uploaded s3:// input: corrected CSV and report, via result/content and directly from S3', async () => {
    const inputUri = await uploadSample();
    const created = await createJob(app, 'correct_csv_job', { input_uri: inputUri, marketplace: 'mercado_livre' });
    expect(created.statusCode).toBe(202);
    const { id } = created.json() as { id: string };
    const job = await waitForTerminal(app, id);
    expect(job).toMatchObject({ status: 'succeeded' });
    expect(job.result_ref).toMatch(resultKey(`s3://${bucket}/results`, id, 'corrected.csv'));
    const folder = job.result_ref!.replace(/corrected\.csv$/, '');
    expect(job.summary).toMatchObject({
      rows_total: 4,
      report_ref: `${folder}report.json`,
      corrected_ref: job.result_ref,
      issues_csv_ref: `${folder}issues.csv`,
      report_html_ref: `${folder}report.html`,
    });
    expect(Number(job.summary?.fixes_applied)).toBeGreaterThan(0);

    const corrected = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content` });
    expect(corrected.statusCode).toBe(200);
    expect(corrected.headers['content-type']).toMatch(/^text\/csv/);
    expect(corrected.headers['content-disposition']).toBe(`attachment; filename="${id}-corrected.csv"`);
    expect(corrected.body).toBe(await readObject(client, job.result_ref!));
    expect(corrected.body).not.toContain('R$ 59,90');
    expect(corrected.body).toContain('SKU-2');

    const byPart = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=corrected` });
    expect(byPart.body).toBe(corrected.body);
    const report = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=report` });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toMatch(/^application\/json/);
    expect(report.body).toBe(await readObject(client, `${folder}report.json`));
    expect((report.json() as { summary: { rows_total: number } }).summary.rows_total).toBe(4);
    for (const [part, file, type] of [
      ['issues_csv', 'issues.csv', 'text/csv; charset=utf-8'],
      ['report_html', 'report.html', 'text/html; charset=utf-8'],
    ]) {
      const response = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=${part}` });
      expect([part, response.statusCode, response.headers['content-type']]).toEqual([part, 200, type]);
      expect(response.body).toBe(await readObject(client, `${folder}${file}`));
    }
  });

  it('runs validate_csv_job with auto_fix: the report by default, the corrected CSV by ?part=corrected', async () => {
    const inputUri = await uploadSample();
    const { id } = (await createJob(app, 'validate_csv_job', { input_uri: inputUri, marketplace: 'mercado_livre', auto_fix: true })).json() as {
      id: string;
    };
    const job = await waitForTerminal(app, id);
    expect(job).toMatchObject({ status: 'succeeded' });
    expect(job.result_ref).toMatch(resultKey(`s3://${bucket}/results`, id, 'report.json'));
    const report = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content` });
    expect(report.json()).toMatchObject({ summary: { rows_total: 4 } });
    const corrected = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=corrected` });
    expect(corrected.statusCode).toBe(200);
    expect(corrected.body).toBe(await readObject(client, job.result_ref!.replace(/report\.json$/, 'corrected.csv')));
  });

  it('refuses an unknown part (400) and a corrected part that was never written (404)', async () => {
    const inputUri = await uploadSample();
    const { id } = (await createJob(app, 'validate_csv_job', { input_uri: inputUri, marketplace: 'mercado_livre' })).json() as { id: string };
    expect(await waitForTerminal(app, id)).toMatchObject({ status: 'succeeded', summary: { corrected_ref: null } });
    const bad = expectProblem(await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=everything` }), 400);
    expect(bad.errors?.[0]?.field).toBe('part');
    const missing = expectProblem(await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=corrected` }), 404);
    expect(missing.detail).toMatch(/no corrected result/);
  });

  it('fails a job whose s3:// input does not exist with input_not_found, after one attempt', async () => {
    const { id } = (await createJob(app, 'validate_csv_job', { input_uri: `s3://${bucket}/uploads/nothing-here.csv` })).json() as { id: string };
    const job = await waitForTerminal(app, id);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'input_not_found', retryable: false } });
    const events = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/events` })).json() as { items: { to_status: string }[] };
    expect(events.items.map((e) => e.to_status)).not.toContain('retrying');
  });

  it('answers an upload over MAX_UPLOAD_BYTES with 413 and leaves nothing in the bucket', async () => {
    const before = await listKeys(client, bucket, 'uploads/');
    const oversized = `${SAMPLE_FEED}${'SKU-9,x,y,1.00,BRL,1,new,b,m,7890000000017,p\n'.repeat(Math.ceil(MAX_UPLOAD_BYTES / 40))}`;
    const response = await upload(app, oversized);
    const problem = expectProblem(response, 413);
    expect(problem).toMatchObject({ limit_bytes: MAX_UPLOAD_BYTES });
    expect(response.headers.connection).toBe('close');
    expect(await listKeys(client, bucket, 'uploads/')).toEqual(before);
  });

  it('refuses an s3:// input in a bucket that is not allowed, or with a traversal key (400)', async () => {
    for (const [input, reason] of [
      ['s3://someone-elses-bucket/feed.csv', 'bucket_not_allowed'],
      [`s3://${bucket}/uploads/../results/x.json`, 'path_traversal'],
      ['s3://Bad_Bucket/feed.csv', 'invalid_bucket'],
      [`s3://${bucket}/`, 'empty_key'],
    ]) {
      const problem = expectProblem(await createJob(app, 'validate_csv_job', { input_uri: input }), 400);
      expect([input, problem.errors?.[0]?.field, problem.detail]).toEqual([input, 'params.input_uri', expect.stringContaining(reason)]);
    }
  });

  it('redirects result/content to a presigned URL with RESULTS_PRESIGN=true, and the URL serves the object', async () => {
    const presigning = await harness.start({ eventApplier: false }, { RESULTS_PRESIGN: 'true' });
    const { id } = (await createJob(app, 'correct_csv_job', { input_uri: await uploadSample(), marketplace: 'mercado_livre' })).json() as {
      id: string;
    };
    const job = await waitForTerminal(app, id);
    for (const part of ['', '?part=report']) {
      const response = await presigning.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content${part}` });
      expect(response.statusCode).toBe(302);
      const location = String(response.headers.location);
      expect(location).toMatch(/X-Amz-Signature=/);
      const fetched = await fetch(location);
      expect(fetched.status).toBe(200);
      const expected = await readObject(client, part ? (job.summary!.report_ref as string) : job.result_ref!);
      expect(await fetched.text()).toBe(expected);
    }
    await harness.stop(presigning);
  });

  it('answers 503 (dependency storage) when S3 cannot be reached during an upload', async () => {
    const port = await freePort();
    const down = await harness.start(
      { eventApplier: false },
      { S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_MAX_ATTEMPTS: '1', S3_CONNECT_TIMEOUT_MS: '500' },
    );
    const response = await upload(down, SAMPLE_FEED);
    expect(expectProblem(response, 503)).toMatchObject({ dependency: 'storage' });
    await harness.stop(down);
  });
});
