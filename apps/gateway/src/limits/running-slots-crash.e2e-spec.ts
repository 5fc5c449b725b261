import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { TenantAdmin } from '@validahub/tenancy';
import { AppProcess, startApp } from '@validahub/testing';
import { TenantSlots } from '@validahub/jobs-queueing';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { newTenant, TestTenant } from '../testing/tenant-kit';

// Short locks so a dead worker's job (and slot) come back within seconds (production: 30 s).
const LOCK_MS = 3_000;
const TIMINGS = { WORKER_LOCK_DURATION_MS: String(LOCK_MS), WORKER_STALLED_INTERVAL_MS: '1000' };

/**
 * A worker SIGKILLed while it holds a tenant's only running slot: the slot comes back when its
 * lease expires, the tenant's other jobs wait for it (deferred, not failed) and every job ends
 * once, as its first attempt.
 */
describe("a tenant's running slot held by a killed worker (real processes)", () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let doomed: AppProcess | undefined;
  let survivor: WorkerRuntime | undefined;

  beforeAll(async () => {
    harness = await createGatewayHarness('slotcrash', { AUTH_MODE: 'required', ENABLE_TEST_TASKS: 'true', ...TIMINGS });
    app = await harness.start({ eventApplier: true });
  });
  afterAll(async () => {
    await doomed?.kill('SIGKILL');
    await survivor?.stop();
    await harness?.close();
  });

  const submit = async (tenant: TestTenant, ms: number) => {
    const answer = await app.inject({ method: 'POST', url: '/api/v1/jobs', payload: { task: 'sleep_job', params: { ms } }, headers: tenant.headers });
    expect(answer.statusCode).toBe(202);
    return answer.json().id as string;
  };

  it("waits for the dead worker's lease, then runs every job once", async () => {
    const tenant = await newTenant(app, { plan: 'pro' });
    await app.get(TenantAdmin).setLimitOverrides(tenant.id, { running_at_once: 1 });
    doomed = startApp('doomed-worker', 'apps/worker-pro/src/main.ts', {
      REDIS_URL: harness.config.connections.redisUrl,
      QUEUE_PREFIX: harness.prefix,
      STORAGE_ROOT: harness.storageRoot,
      ENABLE_TEST_TASKS: 'true',
      LOG_LEVEL: 'info',
      ...TIMINGS,
    });
    await waitFor(() => doomed!.output().includes('"worker ready"') || doomed!.child.exitCode !== null, 60_000, 'the doomed worker');
    if (doomed.child.exitCode !== null) throw new Error(`worker did not start:\n${doomed.output()}`);

    const held = await submit(tenant, 4_000);
    const db = app.get(DataSource);
    const statusOf = async (id: string) => (await db.query(`SELECT status FROM jobs WHERE id = $1`, [id]))[0].status as string;
    await waitFor(async () => (await statusOf(held)) === 'running', 20_000, 'the doomed worker to run the first job');

    survivor = new WorkerRuntime({ config: harness.config, plans: ['pro'], workerName: 'survivor' });
    await survivor.start();
    let survivorMost = 0;
    const sampler = setInterval(() => (survivorMost = Math.max(survivorMost, survivor!.runningJobs)), 5);
    const waiting = [await submit(tenant, 200), await submit(tenant, 200)];
    // The doomed worker holds the tenant's one slot: the survivor (2 free slots) defers the others.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await Promise.all(waiting.map(statusOf))).toEqual(['queued', 'queued']);

    const killedAt = Date.now();
    await doomed.kill('SIGKILL');
    const all = [held, ...waiting];
    await waitFor(
      async () => (await db.query(`SELECT count(*) AS n FROM jobs WHERE id = ANY($1) AND status = 'succeeded'`, [all]))[0].n === String(all.length),
      40_000,
      'every job to succeed',
    );
    clearInterval(sampler);
    const rows: { id: string; status: string; attempts: number; started_at: Date }[] = await db.query(
      `SELECT id, status, attempts, started_at FROM jobs WHERE id = ANY($1)`,
      [all],
    );
    const firstStartAfterKill = Math.min(...rows.filter((row) => waiting.includes(row.id)).map((row) => row.started_at.getTime())) - killedAt;
    console.log(
      `slot crash: the tenant's next job started ${firstStartAfterKill} ms after the kill (lease ${LOCK_MS} ms); survivor ran at most ${survivorMost} at once`,
    );
    expect(rows.every((row) => row.status === 'succeeded' && row.attempts === 1)).toBe(true);
    // One slot, and it was the dead worker's until its lease ran out.
    expect(survivorMost).toBe(1);
    // Renewed every third of the lease, it outlived its holder by at least two thirds of it.
    expect(firstStartAfterKill).toBeGreaterThan(LOCK_MS / 2);
    const slots = new TenantSlots(harness.redis, harness.prefix, LOCK_MS);
    try {
      expect(await slots.taken('pro', tenant.id)).toBe(0);
    } finally {
      slots.close();
    }
  });
});
