import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import { UnfinishedJobs, UnfinishedKind } from '@validahub/jobs-persistence';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { Reconciler } from './reconciler';

jest.setTimeout(60_000);

// The reconciler on a table with history: its reads are index scans, a waiting backlog does not
// hide a lost running job, and of two replicas one reconciles.
describe('reconciler: index scans, fairness, one replica at a time', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let db: DataSource;

  beforeAll(async () => {
    harness = await createGatewayHarness('reconcilerscale');
    app = await harness.start({ eventApplier: false, reconcileMinAgeMs: 1_000 }, { ENABLE_TEST_TASKS: 'true' });
    db = app.get(DataSource);
    // History: 50,000 finished jobs, 600 waiting an hour, and one running job, quiet for 30 s, whose queue entry is gone.
    const insert = (status: string, count: number, ago: string) =>
      db.query(
        `INSERT INTO jobs (id, tenant_id, task_name, status, params, priority, plan, queue, attempts, max_attempts, correlation_id, updated_at)
         SELECT gen_random_uuid(), '${ANONYMOUS_TENANT_ID}', 'noop_job', $1, '{}', 5, 'pro', 'queue-pro', $2, 1, 'c', now() - $3::interval - make_interval(secs => g / 1000.0)
         FROM generate_series(1, $4) AS g`,
        [status, status === 'queued' ? 0 : 1, ago, count],
      );
    await insert('succeeded', 50_000, '2 days');
    await insert('queued', 600, '1 hour');
    await insert('running', 1, '30 seconds');
    await db.query('ANALYZE jobs');
  });
  afterAll(() => harness?.close());

  async function plan(kind: UnfinishedKind, after: boolean): Promise<string> {
    const query = new UnfinishedJobs(db).quietPageQuery(
      kind,
      new Date(),
      after ? { at: '2020-01-01 00:00:00+00', id: '00000000-0000-4000-8000-000000000000' } : null,
      500,
    );
    const [sql, params] = query.getQueryAndParameters();
    const rows = (await db.query(`EXPLAIN ${sql}`, params)) as { 'QUERY PLAN': string }[];
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  it.each([
    ['started', 'jobs_started_quiet_idx'],
    ['queued', 'jobs_queued_quiet_idx'],
  ] as const)('reads %s jobs with an ordered index scan on %s, first page and next, never a scan of the table', async (kind, index) => {
    for (const after of [false, true]) {
      const text = await plan(kind, after);
      expect(text).toContain(`Index Scan using ${index}`);
      expect(text).not.toMatch(/Seq Scan|Sort/);
    }
  });

  it('recovers the lost running job on its second pass although 600 waiting jobs are older', async () => {
    const reconciler = app.get(Reconciler);
    const [{ id }] = (await db.query(`SELECT id FROM jobs WHERE status = 'running'`)) as { id: string }[];
    const first = await reconciler.reconcileOnce();
    expect(first).toMatchObject({ leader: true, checked: 501 });
    const second = await reconciler.reconcileOnce();
    expect(second.checked).toBe(1 + 100);
    const requeued = await harness.queues.queue('pro').getJob(id);
    expect(requeued?.data).toMatchObject({ jobId: id, attemptBase: 1 });
  });

  it('lets one replica reconcile at a time; another takes over when the leader stops', async () => {
    const leader = app.get(Reconciler);
    const other = await harness.start({ eventApplier: false, reconcileMinAgeMs: 1_000 }, { ENABLE_TEST_TASKS: 'true' });
    const follower = other.get(Reconciler);
    expect((await leader.reconcileOnce()).leader).toBe(true);
    expect(await follower.reconcileOnce()).toEqual({ leader: false, checked: 0, enqueued: 0, expired: 0, cancelled: 0 });
    await harness.stop(app);
    expect((await follower.reconcileOnce()).leader).toBe(true);
    await harness.stop(other);
  });
});
