import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import IORedis from 'ioredis';
import {
  createTestDatabase,
  freePort,
  RssSampler,
  startApp,
  TEST_REDIS_URL,
  TEST_S3_ENDPOINT,
  uniqueBucketName,
  uniqueQueuePrefix,
  type AppProcess,
} from '@validahub/testing';
import { generateFeed } from '../csv-rules/generate-feed';
import { streamMultipartUpload } from './multipart-upload';

/**
 * Large-file benchmark (not a test): a ~500 MB mercado_livre feed is uploaded through
 * POST /api/v1/files and validated with auto_fix by a real worker; the gateway and the worker
 * run as real processes. Prints peak RSS of both and throughput.
 *
 *   npx nx run gateway:bench-large-file      (or: node -r @swc-node/register bench/storage/large-file.ts)
 *   options: --mb 500   --storage local|s3   --keep (leave the temp folder)
 */
const BYTES_PER_ROW = 260; // what generateFeed writes on average
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
const targetMb = Number(option('mb', '500'));
const storageKind = option('storage', 'local');
const keep = args.includes('--keep');
const mb = (bytes: number) => bytes / 1024 / 1024;

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'vh-bench-large-'));
  const feedPath = join(work, 'feed.csv');
  const db = await createTestDatabase('bench_large_file');
  const prefix = uniqueQueuePrefix('bench-large');
  const bucket = storageKind === 's3' ? uniqueBucketName('bench-large') : undefined;
  const s3 = bucket
    ? new S3Client({
        endpoint: TEST_S3_ENDPOINT,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      })
    : undefined;
  const apps: AppProcess[] = [];
  try {
    process.stdout.write(`generating ~${targetMb} MB feed... `);
    const started = Date.now();
    await generateFeed(feedPath, Math.ceil((targetMb * 1024 * 1024) / BYTES_PER_ROW));
    const fileBytes = (await stat(feedPath)).size;
    console.log(`${mb(fileBytes).toFixed(0)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const storageRoot = join(work, 'storage');
    await mkdir(storageRoot);
    if (s3 && bucket) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const port = await freePort();
    const env: Record<string, string> = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      STORAGE_ROOT: storageRoot,
      LOG_LEVEL: 'warn',
      MAX_UPLOAD_BYTES: String(2 * 1024 * 1024 * 1024),
      TASK_TIME_LIMIT: '3600',
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_MODE: 'open',
      ...(bucket
        ? {
            S3_ENDPOINT: TEST_S3_ENDPOINT,
            S3_FORCE_PATH_STYLE: 'true',
            S3_ACCESS_KEY_ID: 'S3RVER',
            S3_SECRET_ACCESS_KEY: 'S3RVER',
            RESULTS_URI: `s3://${bucket}/results/`,
          }
        : { RESULTS_URI: 'results/' }),
    };
    const gateway = startApp('gateway', 'apps/gateway/src/main.ts', env);
    apps.push(gateway);
    const worker = startApp('worker-pro', 'apps/worker-pro/src/main.ts', env);
    apps.push(worker);
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(`${base}/health/ready`, gateway);

    const sampler = new RssSampler({ gateway: gateway.child.pid!, worker: worker.child.pid! });
    sampler.start();
    const baseline = { gateway: sampler.peakMb('gateway'), worker: sampler.peakMb('worker') };

    const uploadStart = Date.now();
    const uploaded = await streamMultipartUpload(`${base}/api/v1/files`, feedPath);
    const uploadSeconds = (Date.now() - uploadStart) / 1000;
    if (uploaded.status !== 201) throw new Error(`upload answered ${uploaded.status}: ${JSON.stringify(uploaded.body)}`);
    const { uri, size } = uploaded.body as { uri: string; size: number };
    if (size !== fileBytes) throw new Error(`stored ${size} bytes, expected ${fileBytes}`);

    const created = await fetch(`${base}/api/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'validate_csv_job', plan: 'pro', params: { input_uri: uri, marketplace: 'mercado_livre', auto_fix: true } }),
    });
    if (created.status !== 202) throw new Error(`create answered ${created.status}: ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    const job = await waitForJob(`${base}/api/v1/jobs/${id}`, worker, gateway);
    sampler.stop();
    if (job.status !== 'succeeded') throw new Error(`job ended ${job.status}: ${JSON.stringify(job.error)}`);
    const rows = Number(job.summary.rows_total);
    const runSeconds = (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000;

    console.log(
      `\nstorage: ${storageKind}; file ${mb(fileBytes).toFixed(1)} MB, ${rows.toLocaleString('en')} rows; fixes ${job.summary.fixes_applied}, errors ${job.summary.errors}`,
    );
    console.log(`upload:     ${uploadSeconds.toFixed(1)} s, ${(mb(fileBytes) / uploadSeconds).toFixed(1)} MB/s`);
    console.log(
      `validation: ${runSeconds.toFixed(1)} s, ${Math.round(rows / runSeconds).toLocaleString('en')} rows/s, ${(mb(fileBytes) / runSeconds).toFixed(1)} MB/s (auto_fix, corrected CSV written)`,
    );
    for (const name of ['gateway', 'worker'] as const) {
      console.log(
        `${name.padEnd(8)} RSS MB: idle ${baseline[name].toFixed(0)}, median ${sampler.quantileMb(name, 0.5).toFixed(0)}, ` +
          `peak sampled ${sampler.peakMb(name).toFixed(0)}, VmHWM ${sampler.highWaterMb(name).toFixed(0)}`,
      );
    }
  } finally {
    for (const app of apps) await app.kill('SIGTERM');
    await db.drop().catch(() => undefined);
    await dropQueueKeys(prefix);
    if (s3 && bucket) await dropBucket(s3, bucket).catch((error) => console.warn(`bucket ${bucket} not removed: ${String(error)}`));
    if (!keep) await rm(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

async function waitUntilReady(url: string, gateway: AppProcess): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (gateway.child.exitCode !== null) throw new Error(`gateway exited:\n${gateway.output()}`);
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`gateway not ready:\n${gateway.output()}`);
}

interface JobView {
  status: string;
  started_at: string;
  finished_at: string;
  summary: Record<string, unknown>;
  error: unknown;
}

async function waitForJob(url: string, worker: AppProcess, gateway: AppProcess): Promise<JobView> {
  for (;;) {
    for (const app of [worker, gateway]) {
      if (app.child.exitCode !== null || app.child.signalCode !== null) throw new Error(`${app.name} exited:\n${app.output().slice(-5_000)}`);
    }
    const job = (await (await fetch(url)).json()) as JobView;
    if (['succeeded', 'failed', 'cancelled', 'expired'].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new IORedis(TEST_REDIS_URL, { lazyConnect: true });
  await redis.connect();
  for (let cursor = '0'; ;) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  await redis.quit();
}

async function dropBucket(s3: S3Client, bucket: string): Promise<void> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const item of page.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: item.Key }));
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
