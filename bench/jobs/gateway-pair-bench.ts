/**
 * The shared body of the benchmarks that compare two configurations of the gateway on
 * POST /api/v1/jobs (auth-latency, limits-latency): two gateways as their own processes
 * (apps/gateway's main.ts) on one fresh database and queue prefix, differing only by the env
 * each variant adds, measured in the same run. This process is the client: N sequential
 * creates against each, interleaved (the order flips every round) so drift of a shared machine
 * hits both alike, then optionally N creates with some in flight against each for creates/s.
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
import { runPool, summarise } from './latency-stats';

const WARM_UP = 200;
const TARGET_MS = 0.5;

/** One of the two gateways: what its env adds, and whether its requests present the bench tenant's key. */
export interface GatewayVariant {
  label: string;
  env: Record<string, string>;
  withKey: boolean;
}

export interface GatewayPairBench {
  /** Names the database, queue prefix and processes. */
  name: string;
  body: object;
  /** The env both gateways share, on top of the bench defaults. */
  env?: Record<string, string>;
  /** Started first (it applies the migrations); its cost over the baseline is what is measured. */
  measured: GatewayVariant;
  baseline: GatewayVariant;
  /** What the difference is, for the verdict line: "authentication adds ...". */
  cost: string;
  /** Also creates/s with this many creates in flight. */
  throughputInFlight?: number;
  /** More lines, once the samples are in (e.g. an in-process cost of the same work). */
  extraLines?: (key: string) => string[];
}

/** N from argv[2] (default 2000), checked. */
export function requestCount(): number {
  const n = Number(process.argv[2] ?? 2000);
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a positive whole number, got ${process.argv[2]}`);
  return n;
}

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

/** Runs the comparison and prints its report; cleans up whatever happens. */
export async function runGatewayPairBench(bench: GatewayPairBench, n: number): Promise<void> {
  const db = await createTestDatabase(bench.name);
  const prefix = uniqueQueuePrefix(bench.name);
  const storageRoot = await mkdtemp(join(tmpdir(), `vh-${bench.name}-`));
  const env = { ...benchGatewayEnv(db.url, prefix, storageRoot), ...bench.env };
  const processes: AppProcess[] = [];
  const body = JSON.stringify(bench.body);
  try {
    const targets = [];
    for (const variant of [bench.measured, bench.baseline]) {
      const gateway = await startBenchGateway(`gateway-${variant.label.replace(/\W+/g, '-')}`, { ...env, ...variant.env });
      processes.push(gateway.process);
      targets.push({ variant, url: `${gateway.base}/api/v1/jobs` });
    }
    const key = await proKey(db.url);
    const [measured, baseline] = targets.map(({ variant, url }) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(variant.withKey ? { authorization: `Bearer ${key}` } : {}) };
      return { label: variant.label, create: () => timedCreate(url, headers, body) };
    });

    for (let i = 0; i < WARM_UP; i++) await Promise.all([baseline.create(), measured.create()]);
    const samples = { measured: [] as number[], baseline: [] as number[] };
    for (let i = 0; i < n; i++) {
      if (i % 2) {
        samples.baseline.push(await baseline.create());
        samples.measured.push(await measured.create());
      } else {
        samples.measured.push(await measured.create());
        samples.baseline.push(await baseline.create());
      }
    }
    const stats = { measured: summarise(samples.measured), baseline: summarise(samples.baseline) };
    const width = Math.max(baseline.label.length, measured.label.length) + 2;
    console.log(`create-job latency, ${n} sequential requests to each gateway, interleaved (after ${WARM_UP} warm-up), ms:`);
    for (const [label, s] of [
      [baseline.label, stats.baseline],
      [measured.label, stats.measured],
    ] as const) {
      console.log(`${label.padEnd(width)}p50=${ms(s.p50)}  p99=${ms(s.p99)}  mean=${ms(s.mean)}`);
    }
    console.log(
      `ratio ${measured.label} / ${baseline.label}: p50 ${(stats.measured.p50 / stats.baseline.p50).toFixed(2)}  p99 ${(stats.measured.p99 / stats.baseline.p99).toFixed(2)}`,
    );
    // The same round's two requests saw the same machine: their difference cancels most of the drift.
    const paired = summarise(samples.measured.map((value, i) => value - samples.baseline[i])).p50;
    console.log(`median of the per-round differences (${measured.label} - ${baseline.label}): ${paired.toFixed(3)} ms`);
    if (bench.throughputInFlight) {
      const inFlight = bench.throughputInFlight;
      const rates = { baseline: await throughput(baseline.create, n, inFlight), measured: await throughput(measured.create, n, inFlight) };
      console.log(
        `throughput with ${inFlight} in flight: ${baseline.label} ${rates.baseline.toFixed(0)} creates/s, ${measured.label} ${rates.measured.toFixed(0)} creates/s, ratio ${(rates.measured / rates.baseline).toFixed(2)}`,
      );
    }
    for (const line of bench.extraLines?.(key) ?? []) console.log(line);
    const added = stats.measured.p50 - stats.baseline.p50;
    console.log(`${bench.cost} ${added.toFixed(3)} ms at p50 (target <= ${TARGET_MS} ms): ${added <= TARGET_MS ? 'within target' : 'OVER TARGET'}`);
  } finally {
    for (const gateway of processes) await gateway.kill();
    const queues = new JobQueues(redisOptions(TEST_REDIS_URL, 'producer'), prefix);
    for (const queue of queues.all()) await queue.obliterate({ force: true }).catch(() => undefined);
    await queues.close();
    await db.drop();
    await rm(storageRoot, { recursive: true, force: true });
  }
}

async function timedCreate(url: string, headers: Record<string, string>, body: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (response.status !== 202) throw new Error(`create answered ${response.status}`);
  return elapsed;
}

/** Creates per second for `count` creates with `inFlight` at a time. */
async function throughput(create: () => Promise<number>, count: number, inFlight: number): Promise<number> {
  const started = performance.now();
  await runPool(count, inFlight, async () => void (await create()));
  return (count * 1_000) / (performance.now() - started);
}

const ms = (value: number) => value.toFixed(2).padStart(7);

/** Runs a bench script's main, exiting 1 on failure. */
export function runBenchMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
