import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
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
 * Fair share within the pro tier, with two real pro worker replicas (4 slots for the tier): a
 * newcomer's job overtakes a busy tenant's backlog, and the busy tenant never runs more than
 * its plan's 2 at once although the tier could run 4 of its jobs.
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

  it(`B's one job starts before A (${BACKLOG} queued) has started 4 more, and A never runs more than 2 at once`, async () => {
    const a = await newTenant(app, { plan: 'pro' });
    const b = await newTenant(app, { plan: 'pro' });
    for (const name of ['pro-replica-1', 'pro-replica-2']) {
      const worker = new WorkerRuntime({ config: harness.config, plans: ['pro'], workerName: name });
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
    await waitFor(
      async () => Number((await db.query(`SELECT count(*) AS n FROM jobs WHERE tenant_id = $1 AND finished_at IS NULL`, [a.id]))[0].n) === 0,
      170_000,
      "A's backlog to drain",
    );
    clearInterval(sampler);
    const aRuns = (await db.query(`SELECT tenant_id, created_at, started_at, finished_at FROM jobs WHERE tenant_id = $1`, [a.id])) as Run[];
    const aMax = maxConcurrent(aRuns);
    console.log(
      `fairness: B waited ${overtaken} of A's starts, A max concurrent ${aMax} (B started ${bRun.started_at!.getTime() - bRun.created_at.getTime()} ms after it was stored; A's backlog then: ${backlogAtB}; most running at once per replica: ${busiest.join(', ')})`,
    );

    // The test means something only if B arrived behind a real backlog.
    expect(backlogAtB).toBeGreaterThan(100);
    expect(busiest.every((most) => most > 0)).toBe(true);
    expect(overtaken).toBeLessThan(4);
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
