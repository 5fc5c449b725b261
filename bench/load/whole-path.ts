/**
 * Whole-path throughput beside its peers, in one run on this machine. Every producer is its own
 * process (autocannon for HTTP), every consumer too; this process only starts them and polls
 * for completion. Each run is timed from the producer's first call (its own start-up excluded)
 * until the last job completed.
 *   single: N jobs one per call, `inFlight` calls at once
 *     - raw BullMQ `add()` + a no-op Worker (concurrency C)
 *     - pg-boss `send()` + C no-op `work()`ers (each fetching up to 100 jobs a poll: pg-boss waits
 *       at least 0.5 s between polls, so fetching one job a poll would cap it at 2C jobs/s)
 *     - whole path: HTTP POST /api/v1/jobs (an enterprise tenant's key) -> Postgres (job + audit
 *       row) -> BullMQ -> worker-enterprise (concurrency C) -> Redis event stream -> the gateway's
 *       applier writes running and succeeded to Postgres
 *   batch: M jobs in calls of 100, `batchInFlight` calls at once, through `addBulk()`,
 *     pg-boss `insert()` and POST /api/v1/jobs/batch; plus the event applier's lag p99 (from the
 *     gateway's own histogram) over the whole-path batch run.
 * Usage: node -r @swc-node/register bench/load/whole-path.ts [--jobs 2000] [--batch-jobs 10000]
 *        [--in-flight 20] [--batch-in-flight 4] [--concurrency 5] [--only single|batch] [--profile DIR]
 * `--profile DIR` runs the gateway and the worker under `--cpu-prof` (DIR/gateway, DIR/worker).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { bullConnection, redisOptions } from '@validahub/jobs-queueing';
import { createTestDatabase, TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@validahub/testing';
import { runAutocannon } from './autocannon-run';
import { benchTenantKey, RAISED_ENTERPRISE_LIMITS } from './bench-tenant';
import { startGatewayUnderTest } from './gateway-under-test';
import { lagP99, scrapeLagBuckets } from './lag-histogram';
import { loadAverage, NodeProcess, startNodeProcess } from './node-process';
import { backendCpuUsed, readBackendCpu } from './postgres-cpu';
import { PEER_QUEUE } from './peers/bullmq-peer';
import { PGBOSS_QUEUE } from './peers/pgboss-peer';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2000' },
    'batch-jobs': { type: 'string', default: '10000' },
    'in-flight': { type: 'string', default: '20' },
    'batch-in-flight': { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '5' },
    only: { type: 'string' },
    profile: { type: 'string' },
  },
});
const N = Number(values.jobs);
const M = Number(values['batch-jobs']);
const IN_FLIGHT = Number(values['in-flight']);
const BATCH_IN_FLIGHT = Number(values['batch-in-flight']);
const CONCURRENCY = Number(values.concurrency);
const BATCH = 100;
const METRICS_TOKEN = 'whole-path-bench';
const DRAIN_TIMEOUT_MS = 900_000;

interface Run {
  jobsPerSecond: number;
  seconds: number;
  producedSeconds: number;
}

/** When a producer started and finished sending (epoch ms), as it measured itself (its own start-up is not counted). */
interface Produced {
  startedAt: number;
  finishedAt: number;
}

/** Runs a producer to its end, then waits until `completed()` reaches `count`; timed from the producer's first call. */
async function timed(produce: () => Promise<Produced>, completed: () => Promise<number>, count: number, what: string): Promise<Run> {
  const produced = await produce();
  await waitFor(async () => (await completed()) >= count, DRAIN_TIMEOUT_MS, what);
  const seconds = (Date.now() - produced.startedAt) / 1000;
  return { jobsPerSecond: count / seconds, seconds, producedSeconds: (produced.finishedAt - produced.startedAt) / 1000 };
}

function runToEnd(entry: string, args: string[]): Promise<Produced> {
  const child = startNodeProcess(entry, {}, { args });
  return new Promise((resolve, reject) =>
    child.child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${entry} exited ${code}:\n${child.output().slice(-2000)}`));
      const last = child.output().trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as Produced);
      } catch {
        reject(new Error(`${entry} printed no timing line:\n${child.output().slice(-2000)}`));
      }
    }),
  );
}

async function startConsumer(entry: string, args: string[]): Promise<NodeProcess> {
  const consumer = startNodeProcess(entry, {}, { args });
  await waitFor(
    () => {
      if (consumer.child.exitCode !== null) throw new Error(`${entry} exited:\n${consumer.output()}`);
      return consumer.output().includes('ready');
    },
    60_000,
    `${entry} ready`,
  );
  return consumer;
}

/** The Redis server's own CPU seconds and commands so far (all clients: this benchmark is the only one). */
async function redisUsage(redis: Redis): Promise<{ cpuSeconds: number; commands: number }> {
  const info = await redis.info();
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return { cpuSeconds: field('used_cpu_user') + field('used_cpu_sys'), commands: field('total_commands_processed') };
}

async function rawBullmq(count: number, batch: number, inFlight: number): Promise<Run> {
  const prefix = uniqueQueuePrefix('peerbull');
  const queue = new Queue(PEER_QUEUE, { connection: bullConnection(redisOptions(TEST_REDIS_URL, 'producer')), prefix });
  const worker = await startConsumer('bench/load/peers/bullmq-peer.ts', ['work', prefix, '0', '1', String(CONCURRENCY)]);
  try {
    const entry = 'bench/load/peers/bullmq-peer.ts';
    return await timed(
      () => runToEnd(entry, ['produce', prefix, String(count), String(batch), String(inFlight)]),
      async () => (await queue.getJobCounts('completed')).completed ?? 0,
      count,
      `raw BullMQ x${batch}`,
    );
  } finally {
    await worker.stop();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

async function pgBoss(count: number, batch: number, inFlight: number): Promise<Run> {
  const db = await createTestDatabase('peerboss');
  const entry = 'bench/load/peers/pgboss-peer.ts';
  // The producer installs pg-boss's schema; start the workers on an installed schema.
  await runToEnd(entry, ['produce', db.url, '0', '1', '1']);
  const worker = await startConsumer(entry, ['work', db.url, '0', '1', String(CONCURRENCY)]);
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    return await timed(
      () => runToEnd(entry, ['produce', db.url, String(count), String(batch), String(inFlight)]),
      async () => (await pg.query(`select count(*)::int as n from pgboss.job where name = $1 and state = 'completed'`, [PGBOSS_QUEUE])).rows[0].n,
      count,
      `pg-boss x${batch}`,
    );
  } finally {
    await pg.end();
    await worker.stop();
    await db.drop();
  }
}

async function main(): Promise<void> {
  for (const [name, n] of Object.entries({ N, M, IN_FLIGHT, BATCH_IN_FLIGHT, CONCURRENCY })) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  }
  const single = values.only !== 'batch';
  const batched = values.only !== 'single';
  console.log(`whole path vs peers; worker concurrency ${CONCURRENCY}; load average at start ${loadAverage()} (2 cores shared)`);
  const target = await startGatewayUnderTest(
    'wholepath',
    { ...RAISED_ENTERPRISE_LIMITS, METRICS_TOKEN, WORKER_CONCURRENCY: String(CONCURRENCY), PROGRESS_THROTTLE_MS: '500' },
    values.profile && join(values.profile, 'gateway'),
  );
  const pg = new Client({ connectionString: target.databaseUrl });
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const worker = target.also('apps/worker-enterprise/src/main.ts', {}, values.profile && join(values.profile, 'worker'));
    await pg.connect();
    const { key } = await benchTenantKey(target.databaseUrl, 'enterprise');
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const noop = { task: 'noop_job', params: {} };
    let expected = 0;
    const succeeded = async () => (await pg.query(`select count(*)::int as n from jobs where status = 'succeeded'`)).rows[0].n as number;
    const viaHttp = async (count: number, batch: number, inFlight: number): Promise<Run> => {
      const cpuBefore = {
        gateway: target.gateway.cpuSeconds(),
        worker: worker.cpuSeconds(),
        gatewayWrites: target.gateway.syscalls().writes,
        workerWrites: worker.syscalls().writes,
        postgres: await readBackendCpu(target.databaseUrl),
        redis: await redisUsage(redis),
      };
      const run = await viaHttpTimed(count, batch, inFlight);
      const perJob = (seconds: number) => ((seconds * 1000) / count).toFixed(2);
      const postgres = backendCpuUsed(cpuBefore.postgres, await readBackendCpu(target.databaseUrl));
      const redisNow = await redisUsage(redis);
      console.log(
        `    (CPU per job: gateway ${perJob(target.gateway.cpuSeconds() - cpuBefore.gateway)} ms, worker-enterprise ${perJob(worker.cpuSeconds() - cpuBefore.worker)} ms, ` +
          `Postgres ${perJob(postgres)} ms, Redis ${perJob(redisNow.cpuSeconds - cpuBefore.redis.cpuSeconds)} ms; ` +
          `Redis commands per job ${((redisNow.commands - cpuBefore.redis.commands) / count).toFixed(1)}; ` +
          `write syscalls per job: gateway ${((target.gateway.syscalls().writes - cpuBefore.gatewayWrites) / count).toFixed(2)}, ` +
          `worker ${((worker.syscalls().writes - cpuBefore.workerWrites) / count).toFixed(2)})`,
      );
      return run;
    };
    const viaHttpTimed = async (count: number, batch: number, inFlight: number): Promise<Run> => {
      // The table holds the earlier runs' jobs too: count only this run's.
      const earlier = expected;
      expected += count;
      const request =
        batch === 1
          ? { url: `${target.base}/api/v1/jobs`, body: JSON.stringify(noop), amount: count, connections: inFlight }
          : {
              url: `${target.base}/api/v1/jobs/batch`,
              body: JSON.stringify({ jobs: Array(batch).fill(noop) }),
              amount: count / batch,
              connections: inFlight,
            };
      return timed(
        async () => {
          const result = await runAutocannon({ ...request, method: 'POST', headers });
          if (result.non2xx || result.errors) throw new Error(`HTTP load: ${result.non2xx} non-2xx, ${result.errors} errors`);
          return result;
        },
        async () => (await succeeded()) - earlier,
        count,
        `whole path x${batch}`,
      );
    };
    // Warm-up of the whole path: JIT, pools, prepared plans.
    await viaHttp(200, 1, IN_FLIGHT);

    const f = (n: number) => n.toFixed(0).padStart(6);
    const show = (name: string, run: Run) =>
      console.log(
        `  ${name.padEnd(40)} ${f(run.jobsPerSecond)} jobs/s  (${run.seconds.toFixed(2)} s; produced in ${run.producedSeconds.toFixed(2)} s)`,
      );
    if (single) {
      console.log(`single: ${N} jobs, ${IN_FLIGHT} calls in flight (load ${loadAverage()})`);
      const raw = await rawBullmq(N, 1, IN_FLIGHT);
      show('raw BullMQ add() + no-op worker', raw);
      const boss = await pgBoss(N, 1, IN_FLIGHT);
      show('pg-boss send() + work()', boss);
      const full = await viaHttp(N, 1, IN_FLIGHT);
      show('whole path, POST /api/v1/jobs', full);
      console.log(
        `  whole/raw BullMQ ${(full.jobsPerSecond / raw.jobsPerSecond).toFixed(3)}x (target >= 0.30x); whole/pg-boss ${(full.jobsPerSecond / boss.jobsPerSecond).toFixed(2)}x (target > 1)`,
      );
    }
    if (batched) {
      console.log(`batch: ${M} jobs in calls of ${BATCH}, ${BATCH_IN_FLIGHT} calls in flight (load ${loadAverage()})`);
      const raw = await rawBullmq(M, BATCH, BATCH_IN_FLIGHT);
      show('raw BullMQ addBulk() + no-op worker', raw);
      const boss = await pgBoss(M, BATCH, BATCH_IN_FLIGHT);
      show('pg-boss insert() + work()', boss);
      const before = await scrapeLagBuckets(target.base, METRICS_TOKEN);
      const batchStartedAt = Date.now();
      const full = await viaHttp(M, BATCH, BATCH_IN_FLIGHT);
      const after = await scrapeLagBuckets(target.base, METRICS_TOKEN);
      show('whole path, POST /api/v1/jobs/batch', full);
      console.log(
        `  whole/raw addBulk ${(full.jobsPerSecond / raw.jobsPerSecond).toFixed(3)}x (target >= 0.25x); whole/pg-boss ${(full.jobsPerSecond / boss.jobsPerSecond).toFixed(2)}x (target > 1)`,
      );
      console.log(`  event applier lag during the batch run: p99 <= ${lagP99(before, after)} s (histogram bucket bound; target < 1 s)`);
      // Exact for the last event of each job: the applier's UPDATE stamps updated_at with its
      // transaction's start, and finished_at is the worker's own time of the event.
      const { rows } = await pg.query<{ p50: number; p99: number; max: number }>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99, max(lag) AS max
           FROM (SELECT extract(epoch FROM updated_at - finished_at) AS lag FROM jobs WHERE created_at >= $1) AS finished`,
        [new Date(batchStartedAt)],
      );
      const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
      console.log(`  'succeeded' events, worker -> Postgres: p50 ${ms(rows[0].p50)}, p99 ${ms(rows[0].p99)}, max ${ms(rows[0].max)}`);
    }
  } finally {
    await pg.end().catch(() => undefined);
    redis.disconnect();
    await target.close();
    console.log(`load average at end: ${loadAverage()}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
