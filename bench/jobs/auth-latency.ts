/**
 * What API-key authentication costs on POST /api/v1/jobs: two gateways as their own processes
 * (apps/gateway's main.ts), one with AUTH_MODE=open and one with AUTH_MODE=required, on the same
 * fresh database and queue prefix, measured in the same run. This process is the client: N
 * sequential creates against each, interleaved (the order flips every round) so drift of a
 * shared machine hits both alike. The keyed gateway verifies the key on every request (checksum,
 * cached record, HMAC, constant-time compare); the target is at most +0.5 ms at p50.
 * Usage: node -r @swc-node/register bench/jobs/auth-latency.ts [N]   (default 2000)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '@validahub/config';
import { createJobsDataSource } from '@validahub/jobs-persistence';
import { JobQueues, redisOptions } from '@validahub/jobs-queueing';
import { KeyHasher, parseApiKey, TenancyStore, TenantAdmin } from '@validahub/tenancy';
import { AppProcess, createTestDatabase, TEST_REDIS_URL, uniqueQueuePrefix } from '@validahub/testing';
import { benchGatewayEnv, startBenchGateway } from './bench-gateway';
import { summarise } from './latency-stats';

const N = Number(process.argv[2] ?? 2000);
const WARM_UP = 200;
const TARGET_MS = 0.5;
const BODY = JSON.stringify({ task: 'validate_csv_job', params: { input_uri: 'samples/bench.csv' }, plan: 'pro' });

/** A pro tenant and its key, made with the same TenantAdmin the admin routes use. */
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

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1) throw new Error(`N must be a positive whole number, got ${process.argv[2]}`);
  const db = await createTestDatabase('benchauth');
  const prefix = uniqueQueuePrefix('benchauth');
  const storageRoot = await mkdtemp(join(tmpdir(), 'vh-bench-auth-'));
  const env = benchGatewayEnv(db.url, prefix, storageRoot); // the same for both
  const gateways: AppProcess[] = [];
  try {
    // The keyed one first: it applies the migrations.
    const keyedGateway = await startBenchGateway('gateway-required', { ...env, AUTH_MODE: 'required' });
    gateways.push(keyedGateway.process);
    const openGateway = await startBenchGateway('gateway-open', { ...env, AUTH_MODE: 'open' });
    gateways.push(openGateway.process);
    const keyed = { url: `${keyedGateway.base}/api/v1/jobs` };
    const open = { url: `${openGateway.base}/api/v1/jobs` };
    const key = await proKey(db.url);
    const headers = { authorization: `Bearer ${key}` };

    for (let i = 0; i < WARM_UP; i++) await Promise.all([create(open.url, {}), create(keyed.url, headers)]);
    const samples = { open: [] as number[], keyed: [] as number[] };
    for (let i = 0; i < N; i++) {
      if (i % 2) {
        samples.open.push(await create(open.url, {}));
        samples.keyed.push(await create(keyed.url, headers));
      } else {
        samples.keyed.push(await create(keyed.url, headers));
        samples.open.push(await create(open.url, {}));
      }
    }
    const stats = { open: summarise(samples.open), keyed: summarise(samples.keyed) };
    console.log(`create-job latency, ${N} sequential requests to each gateway, interleaved (after ${WARM_UP} warm-up), ms:`);
    console.log(`AUTH_MODE=open        p50=${ms(stats.open.p50)}  p99=${ms(stats.open.p99)}  mean=${ms(stats.open.mean)}`);
    console.log(`API key (required)    p50=${ms(stats.keyed.p50)}  p99=${ms(stats.keyed.p99)}  mean=${ms(stats.keyed.mean)}`);
    const added = stats.keyed.p50 - stats.open.p50;
    // The same round's two requests saw the same machine: their difference cancels most of the drift.
    const paired = summarise(samples.keyed.map((value, i) => value - samples.open[i])).p50;
    console.log(`ratio key / open: p50 ${(stats.keyed.p50 / stats.open.p50).toFixed(2)}  p99 ${(stats.keyed.p99 / stats.open.p99).toFixed(2)}`);
    console.log(`median of the per-round differences (key - open): ${paired.toFixed(3)} ms`);
    console.log(`in-process cost of verifying a cached key (parse + checksum + HMAC + compare): ${verificationMicros(key).toFixed(1)} µs`);
    console.log(
      `authentication adds ${added.toFixed(3)} ms at p50 (target <= ${TARGET_MS} ms): ${added <= TARGET_MS ? 'within target' : 'OVER TARGET'}`,
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

/** The CPU work a cached key costs per request (checksum, HMAC, constant-time compare), in this process: microseconds per call. */
function verificationMicros(key: string): number {
  const hasher = new KeyHasher(loadConfig({}).security.apiKeySecret as string);
  const stored = hasher.hash(parseApiKey(key)!);
  const rounds = 100_000;
  let matched = 0;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) if (hasher.matches(parseApiKey(key)!, stored)) matched += 1;
  if (matched !== rounds) throw new Error('the key did not verify');
  return ((performance.now() - started) * 1_000) / rounds;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
