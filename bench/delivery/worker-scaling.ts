/**
 * CSV jobs/s with 1 vs 2 worker processes of one tier (free: concurrency 1, one attempt at a time
 * per process), both runs in the same invocation on the same gateway, database and Redis; the apps run
 * from their built bundles (dist/apps, `node tools/build/build-app.mjs gateway worker-free`, done
 * here), as the image runs them. The workers are started and ready first; the time runs from the
 * first create to the last job's succeeded row in Postgres (the gateway applies events meanwhile).
 * Rounds alternate 1-2-2-1 (so a change in the machine's other load hits both alike); the best
 * round of each is reported. The machine's own ceiling is measured the same way: a fixed
 * CPU-bound loop in 1 vs 2 processes. A private Redis and a fresh database make the per-job
 * Redis commands and Postgres transactions exact (docs/operations.md uses them). Each round also
 * reads the CPU per job of the workers (all threads), of the gateway and of the whole machine
 * (/proc), and how many cores were busy: a process running one attempt at a time keeps one core
 * busy (~1.4 with V8's background threads on), and the gateway, Postgres and Redis need some
 * CPU for its jobs too, so on 2 cores the CPU-bound ceiling for 2 processes is under 2x; the end
 * prints it beside the measured ratio.
 * The workers start with the Node flags the deployment files give them (tools/build/worker-node-flags.json);
 * `--worker-node-flags="..."` runs them with others, `--worker-node-flags=` with none (V8's defaults).
 * Usage: node -r @swc-node/register bench/delivery/worker-scaling.ts [jobs=40] [rows=20000] [--worker-node-flags=...]
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import IORedis from 'ioredis';
import { createTestDatabase, freePort, startPrivateRedis, uniqueQueuePrefix, waitFor, WORKSPACE_ROOT } from '@validahub/testing';
import { machineBusySeconds, processCpuSeconds } from '../load/node-process';

const [JOBS, ROWS] = ((positional) => [Number(positional[0] ?? 40), Number(positional[1] ?? 20_000)])(
  process.argv.slice(2).filter((arg) => !arg.startsWith('--')),
);

/** Node's flags for workers, as the image's deployment files start them; `--worker-node-flags=` overrides (empty: none). */
const WORKER_NODE_FLAGS: string[] =
  flagsOverride() ?? JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'tools/build/worker-node-flags.json'), 'utf8')).flags;

function flagsOverride(): string[] | undefined {
  const given = process.argv.find((arg) => arg.startsWith('--worker-node-flags='));
  return given === undefined ? undefined : given.slice('--worker-node-flags='.length).split(' ').filter(Boolean);
}

function startBuilt(app: string, env: Record<string, string>): ChildProcess {
  const flags = app.startsWith('worker-') ? WORKER_NODE_FLAGS : [];
  return spawn(process.execPath, [...flags, `dist/apps/${app}/main.js`], { cwd: WORKSPACE_ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A feed of `rows` rows cycled from the sample (its mix of valid and broken rows). */
async function writeFeed(storage: string): Promise<void> {
  const [header, ...body] = (await readFile(join(WORKSPACE_ROOT, 'samples', 'mercado-livre-electronics.csv'), 'utf8')).trim().split('\n');
  const lines = [header];
  for (let i = 0; i < ROWS; i++) lines.push(body[i % body.length].replace(/^[^,]+/, `SKU-${i}`));
  await mkdir(join(storage, 'samples'), { recursive: true });
  await writeFile(join(storage, 'samples', 'feed.csv'), `${lines.join('\n')}\n`);
}

interface Round {
  jobsPerSecond: number;
  /** CPU seconds per job: the worker processes (all threads), the gateway, and the whole machine. */
  workerCpu: number;
  gatewayCpu: number;
  machineCpu: number;
  /** Cores the whole machine kept busy during the round. */
  busyCores: number;
  redisCommands: number;
  pgTransactions: number;
  pgRowsWritten: number;
}

async function counters(pg: Client, redis: IORedis): Promise<{ commands: number; xacts: number; rows: number }> {
  const info = await redis.info('stats');
  const commands = Number(/total_commands_processed:(\d+)/.exec(info)![1]);
  // Counts are flushed by backends at transaction end (and at most every 0.5 s): let them land.
  await new Promise((r) => setTimeout(r, 1_000));
  await pg.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await pg.query(
    'SELECT xact_commit::bigint AS x, (tup_inserted + tup_updated + tup_deleted)::bigint AS w FROM pg_stat_database WHERE datname = current_database()',
  );
  return { commands, xacts: Number(rows[0].x), rows: Number(rows[0].w) };
}

const CORES = cpus().length;

async function drain(base: string, pg: Client, redis: IORedis, workers: number, env: Record<string, string>, gatewayPid: number): Promise<Round> {
  const ports = await Promise.all(Array.from({ length: workers }, () => freePort()));
  const children = ports.map((port) => startBuilt('worker-free', { ...env, WORKER_HTTP_PORT: String(port) }));
  try {
    // Timed from the first create on workers that are ready: start-up is not throughput.
    for (const port of ports) {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.ok === true, 60_000, 'worker ready');
    }
    const before = await counters(pg, redis);
    const cpuBefore = {
      workers: children.map((c) => processCpuSeconds(c.pid as number)),
      gateway: processCpuSeconds(gatewayPid),
      machine: machineBusySeconds(),
    };
    const started = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const response = await fetch(`${base}/api/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task: 'validate_csv_job', plan: 'free', params: { input_uri: 'samples/feed.csv', marketplace: 'mercado_livre' } }),
      });
      if (response.status !== 202) throw new Error(`create: ${response.status} ${await response.text()}`);
      ids.push(((await response.json()) as { id: string }).id);
    }
    let polls = 0;
    await waitFor(
      async () => {
        polls++;
        return Number((await pg.query(`SELECT count(*) FROM jobs WHERE id = ANY($1) AND status = 'succeeded'`, [ids])).rows[0].count) === JOBS;
      },
      600_000,
      `${JOBS} jobs succeeded`,
    );
    const seconds = (performance.now() - started) / 1_000;
    const machineCpu = machineBusySeconds() - cpuBefore.machine;
    const workerCpu = children.reduce((sum, c, i) => sum + processCpuSeconds(c.pid as number) - cpuBefore.workers[i], 0);
    const gatewayCpu = processCpuSeconds(gatewayPid) - cpuBefore.gateway;
    const after = await counters(pg, redis);
    // Our own polls and counter reads are transactions of this database too: taken off.
    return {
      jobsPerSecond: JOBS / seconds,
      workerCpu: workerCpu / JOBS,
      gatewayCpu: gatewayCpu / JOBS,
      machineCpu: machineCpu / JOBS,
      busyCores: machineCpu / seconds,
      redisCommands: (after.commands - before.commands) / JOBS,
      pgTransactions: (after.xacts - before.xacts - polls - 2) / JOBS,
      pgRowsWritten: (after.rows - before.rows) / JOBS,
    };
  } finally {
    await Promise.all(children.map(stop));
  }
}

/** Work units/s of `processes` processes each spinning the same fixed CPU loop. */
async function cpuCeiling(processes: number): Promise<number> {
  const loop = 'let x=0;for(let i=0;i<4e8;i++)x=(x+i*7)%1000003;';
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: processes },
      () => new Promise((resolve) => spawn(process.execPath, ['-e', loop], { stdio: 'ignore' }).once('exit', resolve)),
    ),
  );
  return processes / ((performance.now() - started) / 1_000);
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ['tools/build/build-app.mjs', 'gateway', 'worker-free'], { cwd: WORKSPACE_ROOT, stdio: 'inherit' });
  const db = await createTestDatabase('bench_scaling');
  const privateRedis = await startPrivateRedis();
  const redis = new IORedis(privateRedis.url);
  const storage = await mkdtemp(join(tmpdir(), 'vh-scaling-'));
  await writeFeed(storage);
  const port = await freePort();
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: privateRedis.url,
    QUEUE_PREFIX: uniqueQueuePrefix('scaling'),
    STORAGE_ROOT: storage,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    PORT: String(port),
    HOST: '127.0.0.1',
    AUTH_MODE: 'open',
  };
  const gateway = startBuilt('gateway', env);
  const pg = new Client({ connectionString: db.url });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/health/ready`).catch(() => null))?.ok === true, 60_000, 'gateway ready');
    await pg.connect();
    const rounds: Record<1 | 2, Round[]> = { 1: [], 2: [] };
    const ceiling: Record<1 | 2, number[]> = { 1: [], 2: [] };
    for (const workers of [1, 2, 2, 1] as const) {
      rounds[workers].push(await drain(base, pg, redis, workers, env, gateway.pid as number));
      ceiling[workers].push(await cpuCeiling(workers));
    }
    const best = (list: Round[]) => list.reduce((a, b) => (b.jobsPerSecond > a.jobsPerSecond ? b : a));
    const [one, two] = [best(rounds[1]), best(rounds[2])];
    const fmt = (n: number) => n.toFixed(2);
    console.log(
      `${JOBS} validate_csv_job x ${ROWS} rows, free tier (concurrency 1 per process), built bundles, workers started with [${WORKER_NODE_FLAGS.join(' ')}], rounds 1-2-2-1`,
    );
    console.log(`1 worker process:   ${fmt(one.jobsPerSecond)} jobs/s (${Math.round(one.jobsPerSecond * ROWS)} rows/s)`);
    console.log(
      `2 worker processes: ${fmt(two.jobsPerSecond)} jobs/s (${Math.round(two.jobsPerSecond * ROWS)} rows/s)  -> ${fmt(two.jobsPerSecond / one.jobsPerSecond)}x`,
    );
    console.log(`machine ceiling (fixed CPU loop, 1 vs 2 processes): ${fmt(Math.max(...ceiling[2]) / Math.max(...ceiling[1]))}x`);
    for (const [label, round] of [
      ['1 worker process', one],
      ['2 worker processes', two],
    ] as const) {
      console.log(
        `  ${label}: CPU per job ${fmt(round.workerCpu)} s in workers, ${fmt(round.gatewayCpu)} s gateway, ${fmt(round.machineCpu)} s whole machine; ` +
          `${fmt(round.busyCores)} of ${CORES} cores busy`,
      );
    }
    // One process already keeps more than one core busy (its sandbox thread, V8's GC threads, its
    // main thread): on 2 cores, 2 processes can only add what the machine has left.
    const cpuBound = CORES / two.machineCpu;
    console.log(
      `CPU-bound ceiling for this workload: ${CORES} cores / ${fmt(two.machineCpu)} s per job = ${fmt(cpuBound)} jobs/s = ` +
        `${fmt(cpuBound / one.jobsPerSecond)}x the single process; measured ${fmt(two.jobsPerSecond / one.jobsPerSecond)}x`,
    );
    console.log(
      `per job: ${fmt(one.redisCommands)} Redis commands, ${fmt(one.pgTransactions)} Postgres transactions, ${fmt(one.pgRowsWritten)} rows written`,
    );
  } finally {
    await pg.end().catch(() => undefined);
    await stop(gateway);
    redis.disconnect();
    await privateRedis.stop();
    await rm(storage, { recursive: true, force: true });
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
