import { Readable } from 'node:stream';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { S3Client } from '@aws-sdk/client-s3';
import { createStorageFromConfig } from '@validahub/storage';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { uniqueBucketName } from '@validahub/testing';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { createBucket, createJob, JobJson, resultKey, s3Env, startWorker, testS3Client, waitForTerminal } from '../testing/storage-test-kit';
import { PrivateS3rver, startPrivateS3rver } from '../testing/private-s3rver';

jest.setTimeout(120_000);

const ROW =
  'SKU-{i},Smartphone Samsung M1,"Produto original, com garantia",199.90,BRL,10,new,Samsung,M1,7890000000017,https://http2.mlstatic.com/D_1-O.jpg\n';
const HEADER = 'sku,title,description,price,currency,available_quantity,condition,brand,model,gtin,pictures\n';

/** About `megabytes` MB of feed, produced as it is read. */
function largeFeed(megabytes: number): Readable {
  const rowsPerChunk = 5_000;
  const chunks = Math.ceil((megabytes * 1024 * 1024) / (ROW.length * rowsPerChunk));
  return Readable.from(
    (function* () {
      yield HEADER;
      for (let c = 0; c < chunks; c++) {
        let chunk = '';
        for (let r = 0; r < rowsPerChunk; r++) chunk += ROW.replace('{i}', String(c * rowsPerChunk + r));
        yield chunk;
      }
    })(),
  );
}

// The worker is reading a large s3:// input when the S3 server dies: a transient failure,
// so the job goes `retrying`; it fails with storage_unavailable once its retries are spent,
// or succeeds when the server is back in time.
describe('S3 server stopped mid-job (private s3rver)', () => {
  const bucket = uniqueBucketName('outage');
  const inputUri = `s3://${bucket}/feeds/large.csv`;
  let s3: PrivateS3rver;
  let client: S3Client;
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let worker: WorkerRuntime | undefined;

  beforeAll(async () => {
    s3 = await startPrivateS3rver();
    client = testS3Client(s3.endpoint);
    await createBucket(client, bucket);
    harness = await createGatewayHarness('storage_outage', {
      ...s3Env(bucket, s3.endpoint),
      MAX_RETRIES: '2',
      RETRY_BACKOFF_BASE_MS: '1500',
      RETRY_BACKOFF_CAP_MS: '1500',
      PROGRESS_THROTTLE_MS: '50',
      S3_MAX_ATTEMPTS: '1',
      S3_CONNECT_TIMEOUT_MS: '500',
      S3_SOCKET_TIMEOUT_MS: '3000',
    });
    // Seeding is not under test: give it the default timeouts, so a busy machine cannot fail the set-up.
    const seeding = { ...harness.config.storage, s3: { ...harness.config.storage.s3, connectTimeoutMs: 10_000, maxAttempts: 3 } };
    await createStorageFromConfig(seeding).write(inputUri, largeFeed(60));
    app = await harness.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
    client?.destroy();
    await s3?.close();
  });

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });

  async function startJobAndStopS3WhileReading(): Promise<string> {
    worker = await startWorker(harness.config);
    const { id } = (await createJob(app, 'validate_csv_job', { input_uri: inputUri, marketplace: 'mercado_livre' })).json() as { id: string };
    await waitFor(
      async () => {
        const job = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json() as JobJson & { progress: number };
        if (job.status === 'succeeded') throw new Error('the job finished before the server could be stopped: make the input larger');
        return job.status === 'running' && job.progress > 0;
      },
      30_000,
      'the job to be reading',
    );
    await s3.stop();
    return id;
  }

  async function statuses(id: string): Promise<string[]> {
    const events = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/events` })).json() as { items: { to_status: string }[] };
    return events.items.map((e) => e.to_status);
  }

  it('goes retrying, then fails with storage_unavailable after its retries', async () => {
    const id = await startJobAndStopS3WhileReading();
    const job = await waitForTerminal(app, id, 60_000);
    expect(job).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'storage_unavailable' } });
    expect(job.error?.message).toMatch(/storage unavailable/);
    expect(await statuses(id)).toEqual(['queued', 'running', 'retrying', 'running', 'retrying', 'running', 'failed']);
    await s3.restart();
  });

  it('succeeds when the server is back before the retries run out', async () => {
    const id = await startJobAndStopS3WhileReading();
    await waitFor(async () => (await statuses(id)).includes('retrying'), 20_000, 'the job to be retrying');
    await s3.restart();
    const job = await waitForTerminal(app, id, 60_000);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    // The report of the attempt that succeeded, under that attempt's own key.
    expect(job.result_ref).toMatch(resultKey(`s3://${bucket}/results`, id, 'report.json', job.attempts));
    expect(Number(job.summary?.rows_total)).toBeGreaterThan(100_000);
    expect(await statuses(id)).toContain('retrying');
  });
});
