import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  AppProcess,
  createTestDatabase,
  freePort,
  startApp,
  TEST_REDIS_URL,
  TEST_S3_ENDPOINT,
  TestDatabase,
  uniqueBucketName,
  uniqueQueuePrefix,
  waitFor,
} from '@validahub/testing';

jest.setTimeout(180_000);

const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
const HEADER = 'sku,title,description,price,currency,available_quantity,condition,brand,model,gtin,pictures\n';

function feedRows(count: number): string {
  let out = HEADER;
  for (let i = 1; i <= count; i++) {
    const price = i % 10 === 0 ? '"R$ 59,90"' : '199.90';
    out += `SKU-${i},Smartphone Samsung M${i % 97},"Produto original",${price},BRL,10,${i % 7 === 0 ? 'Novo' : 'new'},Samsung,M1,7890000000017,https://http2.mlstatic.com/D_${i}-O.jpg\n`;
  }
  return out;
}

// The gateway and a worker as real processes against s3rver: a CSV is uploaded over real
// HTTP (streamed from disk), corrected by the worker from s3://, and both artefacts read back.
describe('storage end to end: upload -> worker -> results in S3 (real processes)', () => {
  const bucket = uniqueBucketName('e2e-files');
  const s3 = new S3Client({
    endpoint: TEST_S3_ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  let db: TestDatabase;
  let work: string;
  let base: string;
  const apps: AppProcess[] = [];

  const keys = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((c) => c.Key);
  const object = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString();

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    db = await createTestDatabase('e2e_storage_upload');
    work = await mkdtemp(join(tmpdir(), 'vh-e2e-files-'));
    const port = await freePort();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix('e2e-files'),
      STORAGE_ROOT: join(work, 'storage'),
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
      S3_ENDPOINT: TEST_S3_ENDPOINT,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      RESULTS_URI: `s3://${bucket}/results/`,
      // About streaming large files through real processes; tenant storage in S3 is storage-s3-tenants.integration-spec.
      AUTH_MODE: 'open',
    };
    apps.push(startApp('gateway', 'apps/gateway/src/main.ts', env), startApp('worker-free', 'apps/worker-free/src/main.ts', env));
    base = `http://127.0.0.1:${port}`;
    await waitFor(
      async () =>
        (await fetch(`${base}/health/ready`).then(
          (r) => r.status,
          () => 0,
        )) === 200,
      60_000,
      'gateway ready',
    );
  });

  afterAll(async () => {
    for (const app of apps) await app.kill('SIGTERM');
    await db?.drop();
    for (const key of await keys('')) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    s3.destroy();
    await rm(work, { recursive: true, force: true });
  });

  async function uploadFile(path: string): Promise<Response> {
    const form = new FormData();
    form.append('file', await openAsBlob(path, { type: 'text/csv' }), 'feed.csv');
    return fetch(`${base}/api/v1/files`, { method: 'POST', body: form });
  }

  it('uploads a 5 MB feed, corrects it from s3:// and serves the corrected CSV and the report', async () => {
    const path = join(work, 'feed.csv');
    const feed = feedRows(30_000);
    await writeFile(path, feed);
    const uploaded = await uploadFile(path);
    expect(uploaded.status).toBe(201);
    const { uri, size } = (await uploaded.json()) as { uri: string; size: number };
    expect(size).toBe(Buffer.byteLength(feed));
    expect(uri.startsWith(`s3://${bucket}/uploads/`)).toBe(true);

    const created = await fetch(`${base}/api/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'correct_csv_job', plan: 'free', params: { input_uri: uri, marketplace: 'mercado_livre' } }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    let job: { status: string; result_ref: string; summary: Record<string, unknown> } | undefined;
    await waitFor(
      async () => {
        job = (await (await fetch(`${base}/api/v1/jobs/${id}`)).json()) as typeof job;
        return ['succeeded', 'failed'].includes(job?.status ?? '');
      },
      120_000,
      'job to finish',
    );
    expect(job).toMatchObject({ status: 'succeeded', summary: { rows_total: 30_000 } });
    // Filed under the job, its attempt and the run: results/<id>/attempt-1/<run id>/corrected.csv.
    expect(job?.result_ref).toMatch(new RegExp(`^s3://${bucket}/results/${id}/attempt-1/[0-9a-f]{12}/corrected\\.csv$`));
    expect(Number(job?.summary.fixes_applied)).toBeGreaterThan(0);

    const corrected = await fetch(`${base}/api/v1/jobs/${id}/result/content`);
    expect(corrected.headers.get('content-type')).toMatch(/^text\/csv/);
    const correctedText = await corrected.text();
    expect(correctedText).toBe(await object(job!.result_ref.slice(`s3://${bucket}/`.length)));
    expect(correctedText).not.toContain('R$ 59,90');
    const report = await fetch(`${base}/api/v1/jobs/${id}/result/content?part=report`);
    expect(((await report.json()) as { summary: { rows_total: number } }).summary.rows_total).toBe(30_000);
  });

  it('answers an upload over the limit with 413 over real HTTP and keeps nothing', async () => {
    const before = await keys('uploads/');
    const path = join(work, 'big.csv');
    await writeFile(path, Buffer.alloc(MAX_UPLOAD_BYTES + 1024 * 1024, 'a'));
    const response = await uploadFile(path).catch((error: unknown) => error as Error);
    // The gateway may close the connection while the client is still sending: then the client
    // sees the reset instead of the 413. Either way nothing is stored.
    if (response instanceof Response) {
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    } else {
      expect(String(response.cause ?? response)).toMatch(/ECONNRESET|EPIPE|other side closed|socket/i);
    }
    expect(await keys('uploads/')).toEqual(before);
  });
});
