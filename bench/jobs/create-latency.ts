/**
 * Cost of idempotency on POST /api/v1/jobs: create latency without a key, with a new key each
 * time, and for replays of those keys. The gateway runs as its own process (apps/gateway's
 * main.ts, as in production) on a fresh database and queue prefix, so the load is generated
 * outside the process it measures; requests go over real HTTP on loopback, one at a time.
 * No workers: jobs stay queued.
 * Usage: node -r @swc-node/register bench/jobs/create-latency.ts [N]   (default 2000)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { JobQueues, redisOptions } from '@validahub/jobs-queueing';
import { createTestDatabase, TEST_REDIS_URL, uniqueQueuePrefix } from '@validahub/testing';
import { benchGatewayEnv, startBenchGateway } from './bench-gateway';
import { summarise } from './latency-stats';

const N = Number(process.argv[2] ?? 2000);
const WARM_UP = 100;

type Stats = ReturnType<typeof summarise>;

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1) throw new Error(`N must be a positive whole number, got ${process.argv[2]}`);
  const db = await createTestDatabase('benchcreate');
  const prefix = uniqueQueuePrefix('benchcreate');
  const storageRoot = await mkdtemp(join(tmpdir(), 'vh-bench-create-'));
  // The cost of idempotency; what authentication costs is bench/jobs/auth-latency.ts.
  const gateway = await startBenchGateway('gateway', { ...benchGatewayEnv(db.url, prefix, storageRoot), AUTH_MODE: 'open' });
  try {
    const url = `${gateway.base}/api/v1/jobs`;
    const create = async (key?: string): Promise<number> => {
      const body = JSON.stringify({ task: 'validate_csv_job', params: { input_uri: 'bench.csv' } });
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) };
      const started = performance.now();
      const response = await fetch(url, { method: 'POST', headers, body });
      await response.arrayBuffer();
      const elapsed = performance.now() - started;
      if (response.status !== 202) throw new Error(`create answered ${response.status}`);
      return elapsed;
    };
    const run = async (label: string, key: (i: number) => string | undefined, expectReplay: boolean): Promise<Stats> => {
      const samples: number[] = [];
      for (let i = 0; i < N; i++) samples.push(await create(key(i)));
      const stats = summarise(samples);
      console.log(`${label.padEnd(22)} n=${stats.n}  p50=${ms(stats.p50)}  p99=${ms(stats.p99)}  mean=${ms(stats.mean)}`);
      if (expectReplay) await assertReplayed(url);
      return stats;
    };

    for (let i = 0; i < WARM_UP; i++) await create(i % 2 ? `warm-${i}` : undefined);
    console.log(`create-job latency, ${N} sequential requests each (after ${WARM_UP} warm-up), ms:`);
    const noKey = await run('without key', () => undefined, false);
    const withKey = await run('with a new key', (i) => `bench-${i}`, false);
    const replay = await run('replay of a key', (i) => `bench-${i}`, true);
    console.log(
      `ratio with key / without key: p50 ${ratio(withKey.p50, noKey.p50)}  p99 ${ratio(withKey.p99, noKey.p99)}  mean ${ratio(withKey.mean, noKey.mean)}`,
    );
    console.log(
      `ratio replay / without key:   p50 ${ratio(replay.p50, noKey.p50)}  p99 ${ratio(replay.p99, noKey.p99)}  mean ${ratio(replay.mean, noKey.mean)}`,
    );
  } finally {
    await gateway.process.kill();
    const queues = new JobQueues(redisOptions(TEST_REDIS_URL, 'producer'), prefix);
    for (const queue of queues.all()) await queue.obliterate({ force: true }).catch(() => undefined);
    await queues.close();
    await db.drop();
    await rm(storageRoot, { recursive: true, force: true });
  }
}

/** A replay must not have created anything: one last check that the phase measured what it says. */
async function assertReplayed(url: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'bench-0' },
    body: JSON.stringify({ task: 'validate_csv_job', params: { input_uri: 'bench.csv' } }),
  });
  await response.arrayBuffer();
  if (response.headers.get('idempotent-replayed') !== 'true') throw new Error('the replay phase did not replay');
}

const ms = (value: number) => value.toFixed(2).padStart(7);
const ratio = (a: number, b: number) => (a / b).toFixed(2);

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
