/**
 * What the per-tenant rate limits cost on POST /api/v1/jobs: two gateways as their own processes
 * on the same fresh database and queue prefix, both with API keys, one with LIMITS_ENABLED=true
 * (limits raised so that nothing is refused: every request still draws its `requests` and
 * `creates` units from Redis) and one with LIMITS_ENABLED=false, measured in the same run with
 * the same key. Sequential creates, interleaved (the order flips every round), give p50/p99;
 * then N creates with 20 in flight against each give throughput. Target: +0.5 ms at p50.
 * (The unfinished-jobs counter is a Postgres trigger, present in both: it is not part of this difference.)
 * Usage: node -r @swc-node/register bench/jobs/limits-latency.ts [N]   (default 2000)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '@validahub/config';
import { createJobsDataSource } from '@validahub/jobs-persistence';
import { JobQueues, redisOptions } from '@validahub/jobs-queueing';
import { KeyHasher, TenancyStore, TenantAdmin } from '@validahub/tenancy';
import { AppProcess, createTestDatabase, TEST_REDIS_URL, uniqueQueuePrefix } from '@validahub/testing';
import { benchGatewayEnv, startBenchGateway } from './bench-gateway';
import { summarise } from './latency-stats';

const N = Number(process.argv[2] ?? 2000);
const WARM_UP = 200;
const IN_FLIGHT = 20;
const TARGET_MS = 0.5;
const BODY = JSON.stringify({ task: 'validate_csv_job', params: { input_uri: 'samples/bench.csv' } });
const HIGH = '100000000';

async function proKey(databaseUrl: string): Promise<string> {
  const dataSource = await createJobsDataSource({ databaseUrl, poolSize: 1 }).initialize();
  try {
    const secret = loadConfig({}).security.apiKeySecret as string;
    const admin = new TenantAdmin(new TenancyStore(dataSource), new KeyHasher(secret), { notify: async () => undefined, serverBuckets: [] });
    const tenant = await admin.createTenant({ name: 'bench', plan: 'pro' });
    return (await admin.createKey(tenant.id)).key;
  } finally {
    await dataSource.destroy();
  }
}

async function create(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BODY });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (response.status !== 202) throw new Error(`create answered ${response.status}`);
  return elapsed;
}

/** Jobs per second for `count` creates with IN_FLIGHT at a time. */
async function throughput(url: string, headers: Record<string, string>, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) {
        next += 1;
        await create(url, headers);
      }
    }),
  );
  return (count * 1_000) / (performance.now() - started);
}

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1) throw new Error(`N must be a positive whole number, got ${process.argv[2]}`);
  const db = await createTestDatabase('benchlimits');
  const prefix = uniqueQueuePrefix('benchlimits');
  const storageRoot = await mkdtemp(join(tmpdir(), 'vh-bench-limits-'));
  const env = {
    ...benchGatewayEnv(db.url, prefix, storageRoot),
    AUTH_MODE: 'required',
    RATE_LIMIT_CREATES_PER_MINUTE_PRO: HIGH,
    RATE_LIMIT_REQUESTS_PER_MINUTE_PRO: HIGH,
    QUOTA_UNFINISHED_JOBS_PRO: HIGH,
  };
  const gateways: AppProcess[] = [];
  try {
    const limitedGateway = await startBenchGateway('gateway-limits-on', { ...env, LIMITS_ENABLED: 'true' });
    gateways.push(limitedGateway.process);
    const freeGateway = await startBenchGateway('gateway-limits-off', { ...env, LIMITS_ENABLED: 'false' });
    gateways.push(freeGateway.process);
    const on = `${limitedGateway.base}/api/v1/jobs`;
    const off = `${freeGateway.base}/api/v1/jobs`;
    const headers = { authorization: `Bearer ${await proKey(db.url)}` };

    for (let i = 0; i < WARM_UP; i++) await Promise.all([create(off, headers), create(on, headers)]);
    const samples = { on: [] as number[], off: [] as number[] };
    for (let i = 0; i < N; i++) {
      if (i % 2) {
        samples.off.push(await create(off, headers));
        samples.on.push(await create(on, headers));
      } else {
        samples.on.push(await create(on, headers));
        samples.off.push(await create(off, headers));
      }
    }
    const stats = { on: summarise(samples.on), off: summarise(samples.off) };
    const rates = { off: await throughput(off, headers, N), on: await throughput(on, headers, N) };
    console.log(`create-job latency, ${N} sequential requests to each gateway, interleaved (after ${WARM_UP} warm-up), ms:`);
    console.log(`limits off   p50=${ms(stats.off.p50)}  p99=${ms(stats.off.p99)}  mean=${ms(stats.off.mean)}`);
    console.log(`limits on    p50=${ms(stats.on.p50)}  p99=${ms(stats.on.p99)}  mean=${ms(stats.on.mean)}`);
    console.log(`ratio on / off: p50 ${(stats.on.p50 / stats.off.p50).toFixed(2)}  p99 ${(stats.on.p99 / stats.off.p99).toFixed(2)}`);
    const paired = summarise(samples.on.map((value, i) => value - samples.off[i])).p50;
    console.log(`median of the per-round differences (on - off): ${paired.toFixed(3)} ms`);
    console.log(
      `throughput with ${IN_FLIGHT} in flight: off ${rates.off.toFixed(0)} creates/s, on ${rates.on.toFixed(0)} creates/s, ratio ${(rates.on / rates.off).toFixed(2)}`,
    );
    const added = stats.on.p50 - stats.off.p50;
    console.log(
      `the limit check adds ${added.toFixed(3)} ms at p50 (target <= ${TARGET_MS} ms): ${added <= TARGET_MS ? 'within target' : 'OVER TARGET'}`,
    );
  } finally {
    for (const gateway of gateways) await gateway.kill();
    const queues = new JobQueues(redisOptions(TEST_REDIS_URL, 'producer'), prefix);
    for (const queue of queues.all()) await queue.obliterate({ force: true }).catch(() => undefined);
    await queues.close();
    await db.drop();
    await rm(storageRoot, { recursive: true, force: true });
  }
}

const ms = (value: number) => value.toFixed(2).padStart(7);

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
