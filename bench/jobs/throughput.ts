/**
 * Whole-path throughput vs raw BullMQ, measured in the same run on the same Redis.
 *   full path: HTTP POST /api/v1/jobs -> Postgres insert + audit row -> BullMQ -> worker process
 *              -> Redis event stream -> gateway applies running/succeeded to Postgres
 *   baseline:  Queue.add + a no-op Worker processor, nothing persisted
 * Both use the enterprise tier's concurrency (5) and 20 requests/adds in flight.
 * Usage: node -r @swc-node/register bench/jobs/throughput.ts [N]   (default 2000)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Client } from 'pg';
import { bullConnection, redisOptions } from '@validahub/jobs-queueing';
import { createTestDatabase, freePort, startApp, TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@validahub/testing';
import { runPool, summarise } from './latency-stats';

const N = Number(process.argv[2] ?? 2000);
const IN_FLIGHT = 20;
const CONCURRENCY = 5;

async function fullPath(): Promise<{ jobsPerSecond: number; post: ReturnType<typeof summarise>; seconds: number; postedSeconds: number }> {
  const db = await createTestDatabase('bench');
  const storage = await mkdtemp(join(tmpdir(), 'vh-bench-'));
  const port = await freePort();
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix('bench'),
    STORAGE_ROOT: storage,
    ENABLE_TEST_TASKS: 'true',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    WORKER_CONCURRENCY: String(CONCURRENCY),
    PROGRESS_THROTTLE_MS: '500',
    // Throughput of the job path; what authentication costs is bench/jobs/auth-latency.ts.
    AUTH_MODE: 'open',
  };
  const gateway = startApp('gateway', 'apps/gateway/src/main.ts', env);
  const worker = startApp('worker-enterprise', 'apps/worker-enterprise/src/main.ts', env);
  const pg = new Client({ connectionString: db.url });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/health/ready`).catch(() => null))?.ok === true, 60_000, 'gateway ready');
    await pg.connect();
    // Warm-up: JIT, connection pools, prepared plans.
    await postJobs(base, 50);
    await waitSucceeded(pg, 50);

    const started = performance.now();
    const latencies = await postJobs(base, N);
    const postedSeconds = (performance.now() - started) / 1000;
    await waitSucceeded(pg, N + 50);
    const seconds = (performance.now() - started) / 1000;
    return { jobsPerSecond: N / seconds, post: summarise(latencies), seconds, postedSeconds };
  } finally {
    await pg.end().catch(() => undefined);
    await Promise.all([gateway.kill(), worker.kill()]);
    await db.drop();
    await rm(storage, { recursive: true, force: true });
  }
}

async function postJobs(base: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  await runPool(count, IN_FLIGHT, async () => {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'noop_job', params: {}, plan: 'enterprise' }),
    });
    await res.arrayBuffer();
    latencies.push(performance.now() - t0);
    if (res.status !== 202) throw new Error(`create answered ${res.status}`);
  });
  return latencies;
}

async function waitSucceeded(pg: Client, count: number): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await pg.query(`select count(*)::int as n from jobs where status = 'succeeded'`);
      return rows[0].n >= count;
    },
    600_000,
    `${count} jobs succeeded`,
  );
}

async function rawBullmq(): Promise<{ jobsPerSecond: number; seconds: number }> {
  const connection = bullConnection(redisOptions(TEST_REDIS_URL, 'worker'));
  const prefix = uniqueQueuePrefix('bench-raw');
  const queue = new Queue('raw', { connection, prefix });
  let completed = 0;
  const worker = new Worker('raw', async () => undefined, { connection, prefix, concurrency: CONCURRENCY });
  worker.on('completed', () => (completed += 1));
  try {
    await worker.waitUntilReady();
    await runPool(50, IN_FLIGHT, async (i) => void (await queue.add('noop', { i }, { removeOnComplete: { count: 1000 } })));
    await waitFor(() => completed >= 50, 60_000, 'raw warm-up');
    const started = performance.now();
    await runPool(N, IN_FLIGHT, async (i) => void (await queue.add('noop', { i }, { removeOnComplete: { count: 1000 } })));
    await waitFor(() => completed >= N + 50, 600_000, 'raw jobs completed');
    const seconds = (performance.now() - started) / 1000;
    return { jobsPerSecond: N / seconds, seconds };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

async function main(): Promise<void> {
  console.log(`jobs throughput: ${N} no-op jobs, ${IN_FLIGHT} in flight, worker concurrency ${CONCURRENCY}`);
  const raw = await rawBullmq();
  const full = await fullPath();
  const f = (n: number) => n.toFixed(1);
  console.log(`raw BullMQ (add + no-op worker):        ${f(raw.jobsPerSecond)} jobs/s (${raw.seconds.toFixed(2)} s)`);
  console.log(`full path (HTTP -> PG -> worker -> PG): ${f(full.jobsPerSecond)} jobs/s (${full.seconds.toFixed(2)} s)`);
  console.log(`ratio full/raw: ${(full.jobsPerSecond / raw.jobsPerSecond).toFixed(2)}x (target >= 0.30x)`);
  console.log(
    `  of which: all ${N} creates answered after ${full.postedSeconds.toFixed(2)} s (${f(N / full.postedSeconds)} creates/s); the rest is the drain`,
  );
  console.log(`POST /api/v1/jobs latency under load: p50 ${f(full.post.p50)} ms, p99 ${f(full.post.p99)} ms, mean ${f(full.post.mean)} ms`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
