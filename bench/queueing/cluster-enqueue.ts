// Enqueue cost on a Redis Cluster against a single Redis, measured in the same run: a private
// redis-server and a private three-master cluster (startPrivateRedisCluster), the same
// JobQueues code on each (single: options; cluster: a cluster client, hash-tagged prefix).
// Per round and target: N jobs added one by one with 50 in flight (the gateway's single
// creates) and N in addBulk batches of 100 (its batched creates); prints jobs/s and this
// process's CPU ms per job, then the median cluster/single ratios over the rounds.
// Usage: node -r @swc-node/register bench/queueing/cluster-enqueue.ts [N=3000] [rounds=3]
import { randomUUID } from 'node:crypto';
import { clusterKeyPrefix } from '@validahub/config';
import type { JobPayload } from '@validahub/jobs-domain';
import { JobQueues, redisOptions } from '@validahub/jobs-queueing';
import { startPrivateRedis, startPrivateRedisCluster } from '@validahub/testing';

const N = Number(process.argv[2] ?? 3_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const IN_FLIGHT = 50;
const BATCH = 100;

const payload = (): JobPayload => ({
  jobId: randomUUID(),
  task: 'noop_job',
  params: {},
  plan: 'pro',
  correlationId: randomUUID(),
  maxAttempts: 1,
  timeLimitSeconds: 30,
  expiresAt: null,
});

interface Measured {
  jobsPerSecond: number;
  cpuMsPerJob: number;
}

async function measure(work: () => Promise<void>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { jobsPerSecond: N / seconds, cpuMsPerJob: (used.user + used.system) / 1_000 / N };
}

async function singles(queues: JobQueues): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < N) {
        next += 1;
        await queues.enqueue(payload(), { priority: 5 });
      }
    }),
  );
}

async function bulks(queues: JobQueues): Promise<void> {
  for (let done = 0; done < N; done += BATCH) {
    await queues.enqueueMany(Array.from({ length: Math.min(BATCH, N - done) }, () => ({ payload: payload(), options: { priority: 5 } })));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const show = (m: Measured) => `${m.jobsPerSecond.toFixed(0).padStart(6)} jobs/s ${m.cpuMsPerJob.toFixed(3)} CPU ms/job`;

async function main(): Promise<void> {
  const single = await startPrivateRedis();
  const cluster = await startPrivateRedisCluster();
  const targets = {
    single: () => new JobQueues(redisOptions(single.url, 'producer'), 'bench'),
    cluster: () =>
      JobQueues.forTarget(
        { redisUrl: single.url, redisCluster: { nodes: [{ host: '127.0.0.1', port: cluster.ports[0] }], tls: false } },
        clusterKeyPrefix('bench'),
      ),
  };
  const ratios = { singles: [] as number[], bulks: [] as number[], singlesCpu: [] as number[], bulksCpu: [] as number[] };
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const results: Record<string, { singles: Measured; bulks: Measured }> = {};
      // Alternate which goes first: the machine is shared.
      const order = round % 2 ? (['single', 'cluster'] as const) : (['cluster', 'single'] as const);
      for (const name of order) {
        const queues = targets[name]();
        await queues.queue('pro').waitUntilReady();
        await singles(queues); // warm-up: scripts loaded, connections open
        results[name] = { singles: await measure(() => singles(queues)), bulks: await measure(() => bulks(queues)) };
        await queues.queue('pro').obliterate({ force: true });
        await queues.close();
      }
      for (const name of ['single', 'cluster'] as const) {
        console.log(`round ${round} ${name.padEnd(7)} one by one: ${show(results[name].singles)} | bulk ${BATCH}: ${show(results[name].bulks)}`);
      }
      ratios.singles.push(results.cluster.singles.jobsPerSecond / results.single.singles.jobsPerSecond);
      ratios.bulks.push(results.cluster.bulks.jobsPerSecond / results.single.bulks.jobsPerSecond);
      ratios.singlesCpu.push(results.cluster.singles.cpuMsPerJob / results.single.singles.cpuMsPerJob);
      ratios.bulksCpu.push(results.cluster.bulks.cpuMsPerJob / results.single.bulks.cpuMsPerJob);
    }
    console.log(
      `median cluster/single over ${ROUNDS} rounds of ${N}: jobs/s one by one ${median(ratios.singles).toFixed(2)}x, bulk ${median(ratios.bulks).toFixed(2)}x; ` +
        `client CPU per job one by one ${median(ratios.singlesCpu).toFixed(2)}x, bulk ${median(ratios.bulksCpu).toFixed(2)}x`,
    );
  } finally {
    await single.stop();
    await cluster.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
