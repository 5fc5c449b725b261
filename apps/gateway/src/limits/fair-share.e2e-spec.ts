import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { PLAN_SETTINGS } from '@validahub/jobs-domain';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { newTenant, TestTenant } from '../testing/tenant-kit';

const BACKLOG = 1_000;
const noop = { task: 'noop_job', params: {} };

interface Run {
  tenant_id: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** Most runs of one tenant that overlapped at any instant (sweep over start/finish points). */
function maxConcurrent(runs: Run[]): number {
  const points = runs.flatMap((r) => [
    { at: r.started_at!.getTime(), delta: 1 },
    { at: r.finished_at!.getTime(), delta: -1 },
  ]);
  // A finish and a start at the same millisecond do not overlap.
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let most = 0;
  for (const point of points) most = Math.max(most, (running += point.delta));
  return most;
}

/**
 * How many jobs were fetched (BullMQ `active` events) after `jobId` arrived on the queue (its
 * `waiting` event) and before it was fetched itself. Redis orders a stream's entries, so this is
 * exact where timestamps tie at the millisecond.
 */
async function fetchedBetweenArrivalAndFetch(redis: IORedis, eventsKey: string, jobId: string): Promise<number> {
  const entries = await redis.xrange(eventsKey, '-', '+');
  const fields = entries.map(([, values]) =>
    Object.fromEntries(Array.from({ length: values.length / 2 }, (_, i) => [values[2 * i], values[2 * i + 1]])),
  );
  const arrived = fields.findIndex((f) => f.event === 'waiting' && f.jobId === jobId);
  const fetched = fields.findIndex((f, i) => i > arrived && f.event === 'active' && f.jobId === jobId);
  expect(arrived).toBeGreaterThanOrEqual(0);
  expect(fetched).toBeGreaterThan(arrived);
  return fields.slice(arrived + 1, fetched).filter((f) => f.event === 'active').length;
}

/**
 * Fair share within the pro tier, with two real pro worker replicas (4 slots for the tier): a
 * newcomer's job overtakes a busy tenant's backlog, and the busy tenant never runs more than
 * its plan's 2 at once although the tier could run 4 of its jobs.
 *
 * The contract's bound: B starts before A has started 2 x (tier concurrency) more. With no-op
 * jobs A starts a job every few milliseconds, so the count measures B's submit-to-start latency
 * in A's cycles; the "4" is that bound for a one-worker pro tier (2 x 2). A tier that
 * can show A's limit holding must have more slots than A's limit, here 4, so the bound is 8.
 */
describe('fair share within a tier (two real worker replicas)', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  const workers: WorkerRuntime[] = [];

  beforeAll(async () => {
    harness = await createGatewayHarness('fairshare', {
      AUTH_MODE: 'required',
      ENABLE_TEST_TASKS: 'true',
      // The backlog itself must get in: raise the pro rates and quota for this test.
      RATE_LIMIT_CREATES_PER_MINUTE_PRO: '10000',
      RATE_LIMIT_REQUESTS_PER_MINUTE_PRO: '100000',
      QUOTA_UNFINISHED_JOBS_PRO: '5000',
    });
    app = await harness.start({ eventApplier: true });
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await harness?.close();
  });

  const submit = (tenant: TestTenant) => app.inject({ method: 'POST', url: '/api/v1/jobs', payload: noop, headers: tenant.headers });

  const REPLICAS = 2;
  const tierConcurrency = () => REPLICAS * (harness.config.worker.concurrency ?? PLAN_SETTINGS.pro.defaultConcurrency);

  it(`B's one job starts before A (${BACKLOG} queued) has started 2 x (tier concurrency) more, and A never runs more than 2 at once`, async () => {
    const a = await newTenant(app, { plan: 'pro' });
    const b = await newTenant(app, { plan: 'pro' });
    for (let replica = 1; replica <= REPLICAS; replica += 1) {
      const worker = new WorkerRuntime({ config: harness.config, plans: ['pro'], workerName: `pro-replica-${replica}` });
      await worker.start();
      workers.push(worker);
    }
    // How many jobs each replica ran at once, sampled: both must have served the tier.
    const busiest = workers.map(() => 0);
    const sampler = setInterval(() => workers.forEach((worker, i) => (busiest[i] = Math.max(busiest[i], worker.runningJobs))), 5);
    for (let i = 0; i < BACKLOG; i += 100) {
      const answers = await Promise.all(Array.from({ length: Math.min(100, BACKLOG - i) }, () => submit(a)));
      expect(answers.every((answer) => answer.statusCode === 202)).toBe(true);
    }
    const created = await submit(b);
    expect(created.statusCode).toBe(202);
    const bId = created.json().id as string;
    const db = app.get(DataSource);
    const backlogAtB = Number(
      (await db.query(`SELECT count(*) AS n FROM jobs WHERE tenant_id = $1 AND status IN ('queued', 'retrying')`, [a.id]))[0].n,
    );

    await waitFor(async () => (await db.query(`SELECT finished_at FROM jobs WHERE id = $1`, [bId]))[0].finished_at, 120_000, "B's job to finish");
    const [bRun] = (await db.query(`SELECT tenant_id, created_at, started_at, finished_at FROM jobs WHERE id = $1`, [bId])) as Run[];
    // A's starts between B's submission and B's own start.
    const overtaken = Number(
      (
        await db.query(`SELECT count(*) AS n FROM jobs WHERE tenant_id = $1 AND started_at > $2 AND started_at < $3`, [
          a.id,
          bRun.created_at,
          bRun.started_at,
        ])
      )[0].n,
    );
    // Queue order, exactly, from BullMQ's event stream of the tier (Redis orders its entries):
    // jobs fetched after B's job was on the queue and before B's job itself.
    const fetchedAhead = await fetchedBetweenArrivalAndFetch(harness.redis, harness.queues.queue('pro').keys.events, bId);
    await waitFor(
      async () => Number((await db.query(`SELECT count(*) AS n FROM jobs WHERE tenant_id = $1 AND finished_at IS NULL`, [a.id]))[0].n) === 0,
      170_000,
      "A's backlog to drain",
    );
    clearInterval(sampler);
    const aRuns = (await db.query(`SELECT tenant_id, created_at, started_at, finished_at FROM jobs WHERE tenant_id = $1`, [a.id])) as Run[];
    const aMax = maxConcurrent(aRuns);
    console.log(
      `fairness: B waited ${overtaken} of A's starts, ${fetchedAhead} fetched ahead of it once queued, A max concurrent ${aMax} (bound: fewer than ${2 * tierConcurrency()} starts, tier concurrency ${tierConcurrency()}; B started ${bRun.started_at!.getTime() - bRun.created_at.getTime()} ms after it was stored; A's backlog then: ${backlogAtB}; most running at once per replica: ${busiest.join(', ')})`,
    );

    // The test means something only if B arrived behind a real backlog.
    expect(backlogAtB).toBeGreaterThan(100);
    expect(busiest.every((most) => most > 0)).toBe(true);
    expect(fetchedAhead).toBe(0);
    expect(tierConcurrency()).toBe(4);
    expect(overtaken).toBeLessThan(2 * tierConcurrency());
    expect(aMax).toBeLessThanOrEqual(2);
    expect(aRuns.every((run) => run.finished_at !== null)).toBe(true);
    // Deferred jobs were neither failed nor run twice: one attempt each, all succeeded.
    const [outcomes] = await db.query(
      `SELECT count(*) FILTER (WHERE status = 'succeeded' AND attempts = 1) AS clean, count(*) AS n FROM jobs WHERE tenant_id = ANY($1)`,
      [[a.id, b.id]],
    );
    expect(Number(outcomes.clean)).toBe(BACKLOG + 1);
    expect(Number(outcomes.n)).toBe(BACKLOG + 1);
  });
});
