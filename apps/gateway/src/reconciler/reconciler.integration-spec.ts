import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { Reconciler } from './reconciler';

// The reconciler against a real Postgres and Redis: jobs whose Redis state vanished are found
// from Postgres; the worker side is simulated by writing the job rows directly.
describe('reconciler: unfinished jobs whose queue entry vanished', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let reconciler: Reconciler;
  let db: DataSource;

  beforeAll(async () => {
    harness = await createGatewayHarness('reconciler');
    app = await harness.start({ eventApplier: false, reconcileMinAgeMs: 1_000 }, { ENABLE_TEST_TASKS: 'true' });
    reconciler = app.get(Reconciler);
    db = app.get(DataSource);
  });
  afterAll(async () => harness?.close());

  async function createJob(plan = 'pro', params: Record<string, unknown> = { ms: 10 }): Promise<string> {
    const response = await app.inject({ method: 'POST', url: '/api/v1/jobs', payload: { task: 'sleep_job', params, plan } });
    expect(response.statusCode).toBe(202);
    return response.json().id;
  }

  /** What a worker's events would have left in Postgres, last touched `agoMs` ago. */
  async function setRow(id: string, changes: { status: string; attempts: number; cancelRequested?: boolean; agoMs?: number; expiresInMs?: number }) {
    await db.query(
      `UPDATE jobs SET status = $2, attempts = $3, cancel_requested = $4, updated_at = now() - make_interval(secs => $5::float / 1000),
         expires_at = COALESCE(now() + make_interval(secs => $6::float / 1000), expires_at) WHERE id = $1`,
      [id, changes.status, changes.attempts, changes.cancelRequested ?? false, changes.agoMs ?? 10_000, changes.expiresInMs ?? null],
    );
  }

  const bullJob = (id: string, plan: 'pro' | 'business' = 'pro') => harness.queues.queue(plan).getJob(id);
  const trail = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/events` })).json().items;
  const job = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json();

  it('re-enqueues a running job lost with Redis on the second pass, numbering on from its attempts', async () => {
    const id = await createJob();
    await (await bullJob(id))!.remove();
    await setRow(id, { status: 'running', attempts: 2 });
    await reconciler.reconcileOnce();
    expect(await bullJob(id)).toBeUndefined(); // one sighting is not enough
    const report = await reconciler.reconcileOnce();
    expect(report.enqueued).toBeGreaterThanOrEqual(1);
    const requeued = await bullJob(id);
    expect(requeued?.data).toMatchObject({ jobId: id, attemptBase: 2, maxAttempts: 4 });
    expect(requeued?.opts.attempts).toBe(2);
    expect((await job(id)).status).toBe('running'); // the worker's next start records the new attempt
  });

  it('re-enqueues a retrying job whose delayed BullMQ job vanished', async () => {
    const id = await createJob();
    await (await bullJob(id))!.remove();
    await setRow(id, { status: 'retrying', attempts: 1 });
    await reconciler.reconcileOnce();
    await reconciler.reconcileOnce();
    expect((await bullJob(id))?.data).toMatchObject({ attemptBase: 1 });
  });

  it('leaves alone a running job whose BullMQ job exists, and one that shows progress between passes', async () => {
    const present = await createJob();
    await setRow(present, { status: 'running', attempts: 1 });
    const busy = await createJob();
    await (await bullJob(busy))!.remove();
    await setRow(busy, { status: 'running', attempts: 1 });
    await reconciler.reconcileOnce();
    await setRow(busy, { status: 'running', attempts: 1, agoMs: 5_000 }); // progress applied meanwhile
    await reconciler.reconcileOnce();
    expect((await bullJob(present))?.data.attemptBase).toBeUndefined();
    expect(await bullJob(busy)).toBeUndefined();
  });

  it('ends a lost job whose cancel was requested as cancelled instead of running it again', async () => {
    const id = await createJob();
    await (await bullJob(id))!.remove();
    await setRow(id, { status: 'running', attempts: 1, cancelRequested: true });
    await reconciler.reconcileOnce();
    const report = await reconciler.reconcileOnce();
    expect(report.cancelled).toBe(1);
    expect(await bullJob(id)).toBeUndefined();
    expect((await trail(id)).at(-1)).toMatchObject({ from_status: 'running', to_status: 'cancelled', actor: 'reconciler' });
  });

  it('expires a retrying job past its expiry and takes its delayed entry off the queue', async () => {
    const id = await createJob('business');
    const entry = await bullJob(id, 'business');
    await entry!.moveToDelayed(Date.now() + 60_000).catch(() => undefined);
    await setRow(id, { status: 'retrying', attempts: 1, expiresInMs: -1_000 });
    const report = await reconciler.reconcileOnce();
    expect(report.expired).toBeGreaterThanOrEqual(1);
    expect(await bullJob(id, 'business')).toBeUndefined();
    expect(await job(id)).toMatchObject({ status: 'expired', finished_at: expect.any(String) });
    expect((await trail(id)).at(-1)).toMatchObject({ from_status: 'retrying', to_status: 'expired', actor: 'reconciler' });
  });

  it('never touches terminal jobs', async () => {
    const id = await createJob();
    await (await bullJob(id))!.remove();
    await setRow(id, { status: 'succeeded', attempts: 1 });
    await reconciler.reconcileOnce();
    await reconciler.reconcileOnce();
    expect(await bullJob(id)).toBeUndefined();
    expect((await job(id)).status).toBe('succeeded');
  });
});
