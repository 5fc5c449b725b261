/**
 * Webhooks under load, each against a baseline measured in the same run.
 *   1. Deliveries/s: 1,000 jobs reach a terminal status (succeeded events on the worker stream)
 *      with one endpoint subscribed; the gateway's outbox sender delivers them, signed, to a
 *      loopback receiver. Baseline: the same 1,000 POSTs sent straight from this process.
 *   2. Create-to-terminal latency (POST /jobs, then started + succeeded applied, until GET shows
 *      succeeded; polled 1 ms apart) with 3 endpoints subscribed vs none, in alternating blocks, sequential jobs.
 *      Also the gateway's CPU ms per job in each mode (from /proc: steadier than wall time on a
 *      busy machine).
 * Usage: node -r @swc-node/register bench/push/webhooks.ts [events] [latency samples per mode]
 * With PROFILE_DIR=<dir> the gateway runs under `node --cpu-prof` and writes its profile there
 * (summarise it with bench/load/cpu-profile-summary.ts).
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRedis, JobEventPublisher } from '@validahub/jobs-queueing';
import { createTestDatabase, freePort, TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@validahub/testing';
import { benchGatewayEnv } from '../jobs/bench-gateway';
import { startNodeProcess } from '../load/node-process';
import { runPool, summarise } from '../jobs/latency-stats';

const EVENTS = Number(process.argv[2] ?? 1_000);
const SAMPLES = Number(process.argv[3] ?? 300);
const BLOCK = 25;
const IN_FLIGHT = 50;
const POLL_GAP_MS = 1;

async function main(): Promise<void> {
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  const db = await createTestDatabase('bench-webhooks');
  const storage = await mkdtemp(join(tmpdir(), 'vh-bench-webhooks-'));
  const prefix = uniqueQueuePrefix('bench-webhooks');
  const redis = createRedis(TEST_REDIS_URL, 'producer');
  const publisher = new JobEventPublisher(redis, prefix);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const gateway = startNodeProcess(
    'apps/gateway/src/main.ts',
    { ...benchGatewayEnv(db.url, prefix, storage), PORT: String(port), AUTH_MODE: 'open', ENABLE_TEST_TASKS: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' },
    { profileDir: process.env.PROFILE_DIR },
  );
  await waitFor(
    async () => {
      if (gateway.child.exitCode !== null) throw new Error(`gateway exited during start-up:\n${gateway.output().slice(-3000)}`);
      return (await fetch(`${base}/health/ready`).catch(() => null))?.ok === true;
    },
    60_000,
    'gateway ready',
  );
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ id: string }>;
  };
  const createJob = () => post('/api/v1/jobs', { task: 'noop_job', params: {}, plan: 'pro' });
  const finish = async (jobId: string) => {
    const at = new Date().toISOString();
    await publisher.publish({ type: 'started', jobId, attempt: 1, at });
    await publisher.publish({ type: 'succeeded', jobId, attempt: 1, at, startedAt: at, resultRef: null, summary: null });
  };

  try {
    // 1. Deliveries per second.
    await post('/api/v1/webhooks', { url: hookUrl, events: ['job.succeeded'] });
    const ids: string[] = [];
    await runPool(EVENTS, 20, async () => void ids.push((await createJob()).id));
    const started = performance.now();
    await runPool(ids.length, 20, (i) => finish(ids[i]));
    await waitFor(() => received >= EVENTS, 600_000, `${EVENTS} deliveries`);
    const gatewayPerSecond = EVENTS / ((performance.now() - started) / 1_000);

    received = 0;
    const body = JSON.stringify({ type: 'job.succeeded', timestamp: new Date().toISOString(), data: { id: ids[0] } });
    const rawStart = performance.now();
    await runPool(EVENTS, IN_FLIGHT, async () => {
      const response = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.arrayBuffer();
    });
    const rawPerSecond = EVENTS / ((performance.now() - rawStart) / 1_000);
    console.log(
      `deliveries: ${EVENTS} terminal events -> ${gatewayPerSecond.toFixed(0)} deliveries/s through the outbox (event stream, applier, trigger, sender)`,
    );
    console.log(
      `baseline:   the same POSTs straight to the receiver, ${IN_FLIGHT} in flight: ${rawPerSecond.toFixed(0)}/s; ratio ${(gatewayPerSecond / rawPerSecond).toFixed(2)}x`,
    );

    // 2. Create-to-terminal latency, 3 endpoints vs none, alternating blocks.
    const list = (await (await fetch(`${base}/api/v1/webhooks`)).json()) as { items: { id: string }[] };
    for (const endpoint of list.items) await fetch(`${base}/api/v1/webhooks/${endpoint.id}`, { method: 'DELETE' });
    const samples: Record<'none' | 'three', number[]> = { none: [], three: [] };
    const cpuSeconds: Record<'none' | 'three', number> = { none: 0, three: 0 };
    const oneJob = async () => {
      const t0 = performance.now();
      const { id } = await createJob();
      await finish(id);
      for (;;) {
        const job = (await (await fetch(`${base}/api/v1/jobs/${id}`)).json()) as { status: string };
        if (job.status === 'succeeded') return performance.now() - t0;
        // A client that polls back to back would make the gateway's load depend on the latency measured.
        await new Promise((resolve) => setTimeout(resolve, POLL_GAP_MS));
      }
    };
    for (let i = 0; i < 10; i++) await oneJob(); // warm-up
    received = 0;
    // 3 endpoints x (job.started + job.succeeded) per job of a 'three' block.
    const deliveredTarget = () => samples.three.length * 6;
    for (let block = 0; samples.three.length < SAMPLES; block++) {
      const mode = block % 2 === 0 ? 'none' : 'three';
      const endpoints =
        mode === 'three'
          ? await Promise.all([1, 2, 3].map(() => post('/api/v1/webhooks', { url: hookUrl, events: ['job.started', 'job.succeeded'] })))
          : [];
      const cpuBefore = gateway.cpuSeconds();
      for (let i = 0; i < BLOCK; i++) samples[mode].push(await oneJob());
      // Let the sender finish this block's deliveries, so their CPU is counted in this mode.
      if (mode === 'three') await waitFor(() => received >= deliveredTarget(), 60_000, 'block deliveries');
      cpuSeconds[mode] += gateway.cpuSeconds() - cpuBefore;
      for (const endpoint of endpoints) await fetch(`${base}/api/v1/webhooks/${endpoint.id}`, { method: 'DELETE' });
    }
    const none = summarise(samples.none);
    const three = summarise(samples.three);
    const fmt = (s: typeof none) => `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, mean ${s.mean.toFixed(2)} ms (n=${s.n})`;
    console.log(`create-to-terminal, no endpoint:  ${fmt(none)}`);
    console.log(`create-to-terminal, 3 endpoints:  ${fmt(three)}`);
    const added = three.p50 - none.p50;
    const cpuPerJob = (mode: 'none' | 'three') => ((cpuSeconds[mode] * 1_000) / samples[mode].length).toFixed(2);
    console.log(`gateway CPU per job: no endpoint ${cpuPerJob('none')} ms, 3 endpoints (6 deliveries) ${cpuPerJob('three')} ms`);
    console.log(`added at p50: ${added.toFixed(2)} ms (ratio ${(three.p50 / none.p50).toFixed(2)}x); within +2 ms: ${added <= 2 ? 'yes' : 'NO'}`);
  } finally {
    await gateway.stop();
    await redis.quit();
    await new Promise((resolve) => receiver.close(resolve));
    await db.drop();
    await rm(storage, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
