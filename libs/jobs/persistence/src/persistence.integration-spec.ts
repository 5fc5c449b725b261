import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ANONYMOUS_TENANT_ID, JobEvent } from '@validahub/jobs-domain';
import { createTestDatabase, TestDatabase } from '@validahub/testing';
import { createJobsDataSource } from './data-source';
import { applyJobEvent, applyJobEvents } from './event-writer';
import { JobRepository } from './job-repository';
import { migrateWithLock } from './migrate';
import { NewJob } from './job-records';
import { UnfinishedJobs } from './unfinished-jobs';
import { CreateJobs1764300000000 } from './migrations/1764300000000-create-jobs';
import { JobsTenantIdUuid1767300000000 } from './migrations/1767300000000-tenant-id-uuid';

const TENANT = ANONYMOUS_TENANT_ID;
const [TENANT_A, TENANT_B, OTHER, LISTER, EXP, EXP_OTHER]: string[] = Array.from({ length: 6 }, () => randomUUID());

function newJob(overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: randomUUID(),
    tenantId: TENANT,
    taskName: 'validate_csv_job',
    params: { input_uri: 'test.csv', marketplace: 'generic' },
    priority: 5,
    plan: 'pro',
    queue: 'queue-pro',
    maxAttempts: 4,
    correlationId: 'corr-1',
    idempotencyKey: null,
    expiresAt: new Date(Date.now() + 60_000),
    ...overrides,
  };
}

const at = (offsetMs: number) => new Date(Date.UTC(2030, 0, 1) + offsetMs).toISOString();

describe('jobs persistence (Postgres)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let jobs: JobRepository;

  beforeAll(async () => {
    db = await createTestDatabase('persistence');
    dataSource = await createJobsDataSource({ databaseUrl: db.url }).initialize();
    expect(await migrateWithLock(dataSource)).toEqual([
      'CreateJobs1764300000000',
      'JobsTenantIdUuid1767300000000',
      'ReconcilerQuietIndexes1767800000000',
      'FairRankResultExpiry1768000000000',
      'JobCompositionColumns1768200000000',
      'CreateReportFacts1768200000200',
      'ReportFactsPerStatement1768200000300',
      'ListKeysetIndexes1768500000000',
      'ReportFactsOnlyWhenEnded1768600000000',
    ]);
    jobs = new JobRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  describe('migrations', () => {
    it('run once: a second run (or a replica racing) finds nothing to do', async () => {
      const other = await createJobsDataSource({ databaseUrl: db.url }).initialize();
      try {
        const [a, b] = await Promise.all([migrateWithLock(dataSource), migrateWithLock(other)]);
        expect([...a, ...b]).toEqual([]);
      } finally {
        await other.destroy();
      }
    });

    it('refuses a status outside the contract at the database level', async () => {
      const job = await jobs.create(newJob());
      await expect(dataSource.query(`UPDATE jobs SET status = 'paused' WHERE id = $1`, [job.id])).rejects.toThrow(/jobs_status_check/);
      await expect(dataSource.query(`UPDATE jobs SET priority = 11 WHERE id = $1`, [job.id])).rejects.toThrow(/jobs_priority_check/);
    });

    it("moves jobs from before tenancy to the anonymous tenant's UUID, indexes intact", async () => {
      const old = await createTestDatabase('persistence_tenant_uuid');
      const before = await createJobsDataSource({ databaseUrl: old.url, extraMigrations: [] }).initialize();
      try {
        await new CreateJobs1764300000000().up(before.createQueryRunner());
        const insert = `INSERT INTO jobs (id, task_name, status, params, priority, plan, queue, max_attempts, correlation_id)
                        VALUES ($1, 'validate_csv_job', 'queued', '{}', 1, 'free', 'queue-free', 1, 'c')`;
        const [legacy, withTenant] = [randomUUID(), randomUUID()];
        await before.query(insert, [legacy]);
        await before.query(`${insert.replace('(id,', '(tenant_id, id,').replace('($1,', '($2, $1,')}`, [withTenant, TENANT_A]);
        await new JobsTenantIdUuid1767300000000().up(before.createQueryRunner());
        const rows: { id: string; tenant_id: string }[] = await before.query(`SELECT id, tenant_id FROM jobs ORDER BY tenant_id`);
        expect(rows).toEqual(
          expect.arrayContaining([
            { id: legacy, tenant_id: ANONYMOUS_TENANT_ID },
            { id: withTenant, tenant_id: TENANT_A },
          ]),
        );
        const type: { data_type: string }[] = await before.query(
          `SELECT data_type FROM information_schema.columns WHERE table_name = 'jobs' AND column_name = 'tenant_id'`,
        );
        expect(type[0].data_type).toBe('uuid');
        const indexes: { indexname: string }[] = await before.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'jobs'`);
        expect(indexes.map((r) => r.indexname)).toContain('jobs_tenant_created_idx');
      } finally {
        await before.destroy();
        await old.drop();
      }
    });

    it('creates the list-filter indexes', async () => {
      const rows: { indexname: string }[] = await dataSource.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'jobs'`);
      expect(rows.map((r) => r.indexname)).toEqual(
        expect.arrayContaining([
          'jobs_tenant_created_idx',
          'jobs_tenant_status_list_idx',
          'jobs_tenant_task_list_idx',
          'jobs_tenant_plan_list_idx',
          'jobs_started_quiet_idx',
          'jobs_queued_quiet_idx',
        ]),
      );
      expect(rows.map((r) => r.indexname)).not.toContain('jobs_waiting_idx');
      // Replaced by the *_list_idx ones, which end in id (the list's tie-breaker).
      for (const replaced of ['jobs_tenant_status_created_idx', 'jobs_tenant_task_created_idx', 'jobs_tenant_plan_created_idx']) {
        expect(rows.map((r) => r.indexname)).not.toContain(replaced);
      }
    });
  });

  describe('create, get, events', () => {
    it('stores the job and its first audit row together', async () => {
      const input = newJob({ idempotencyKey: 'k-1' });
      const job = await jobs.create(input);
      expect(job).toMatchObject({
        id: input.id,
        status: 'queued',
        progress: 0,
        attempts: 0,
        maxAttempts: 4,
        idempotencyKey: 'k-1',
        cancelRequested: false,
      });
      expect(job.createdAt).toBeInstanceOf(Date);
      const events = await jobs.events(job.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ fromStatus: null, toStatus: 'queued', attempt: 0, actor: 'api' });
    });

    it('creates many jobs in one statement, each with its audit row, in input order, all or none', async () => {
      const batch = [newJob({ plan: 'free', queue: 'queue-free', priority: 1 }), newJob(), newJob({ tenantId: OTHER })];
      const created = await jobs.createMany(batch);
      expect(created.map((j) => [j.id, j.status, j.priority])).toEqual(batch.map((j) => [j.id, 'queued', j.priority]));
      for (const job of created) expect((await jobs.events(job.id)).map((e) => e.toStatus)).toEqual(['queued']);
      const clash = newJob();
      await expect(jobs.createMany([clash, { ...newJob(), id: batch[0].id }])).rejects.toThrow();
      expect(await jobs.findById(TENANT, clash.id)).toBeNull();
    });

    it('rolls the job back when the work inside its transaction fails', async () => {
      const input = newJob();
      await expect(jobs.create(input, { within: async () => Promise.reject(new Error('idempotency store down')) })).rejects.toThrow(
        'idempotency store down',
      );
      expect(await jobs.findById(TENANT, input.id)).toBeNull();
      expect(await jobs.events(input.id)).toEqual([]);
    });

    it('never shows a job to another tenant', async () => {
      const job = await jobs.create(newJob({ tenantId: TENANT_A }));
      expect(await jobs.findById(TENANT_A, job.id)).not.toBeNull();
      expect(await jobs.findById(TENANT_B, job.id)).toBeNull();
      expect((await jobs.list({ tenantId: TENANT_B, limit: 10, offset: 0 })).total).toBe(0);
    });
  });

  describe('list', () => {
    const tenantId = LISTER;
    beforeAll(async () => {
      for (let i = 0; i < 5; i++)
        await jobs.create(newJob({ tenantId, plan: i % 2 ? 'pro' : 'free', taskName: i < 3 ? 'validate_csv_job' : 'correct_csv_job' }));
    });

    it('pages newest first with the total before paging', async () => {
      const all = await jobs.list({ tenantId, limit: 100, offset: 0 });
      expect(all.total).toBe(5);
      const created = all.items.map((j) => j.createdAt.getTime());
      expect([...created].sort((a, b) => b - a)).toEqual(created);
      const page1 = await jobs.list({ tenantId, limit: 2, offset: 0 });
      const page2 = await jobs.list({ tenantId, limit: 2, offset: 2 });
      const page3 = await jobs.list({ tenantId, limit: 2, offset: 4 });
      expect(page1.total).toBe(5);
      expect([...page1.items, ...page2.items, ...page3.items].map((j) => j.id)).toEqual(all.items.map((j) => j.id));
      expect((await jobs.list({ tenantId, limit: 2, offset: 10 })).items).toEqual([]);
    });

    it('filters by status, task, plan and creation window', async () => {
      expect((await jobs.list({ tenantId, plan: 'pro', limit: 100, offset: 0 })).total).toBe(2);
      expect((await jobs.list({ tenantId, taskName: 'correct_csv_job', limit: 100, offset: 0 })).total).toBe(2);
      expect((await jobs.list({ tenantId, status: 'running', limit: 100, offset: 0 })).total).toBe(0);
      expect((await jobs.list({ tenantId, status: 'queued', plan: 'free', limit: 100, offset: 0 })).total).toBe(3);
      expect((await jobs.list({ tenantId, createdAfter: new Date(Date.now() + 60_000), limit: 100, offset: 0 })).total).toBe(0);
      expect((await jobs.list({ tenantId, createdBefore: new Date(Date.now() + 60_000), limit: 100, offset: 0 })).total).toBe(5);
    });
  });

  describe('applying worker events', () => {
    const ev = (jobId: string) => ({
      started: (attempt: number, ms = 1_000): JobEvent => ({ type: 'started', jobId, attempt, at: at(ms) }),
      progress: (attempt: number, progress: number, ms = 1_500): JobEvent => ({
        type: 'progress',
        jobId,
        attempt,
        at: at(ms),
        progress,
        message: `at ${progress}`,
      }),
      succeeded: (attempt: number, ms = 2_000): JobEvent => ({
        type: 'succeeded',
        jobId,
        attempt,
        at: at(ms),
        startedAt: at(1_000),
        resultRef: 's3://r/1.json',
        summary: { rows_total: 3 },
      }),
      retrying: (attempt: number, ms = 1_800): JobEvent => ({
        type: 'retrying',
        jobId,
        attempt,
        at: at(ms),
        startedAt: at(1_000),
        error: { code: 'storage_unavailable', message: 'down', retryable: true },
      }),
      failed: (attempt: number, ms = 3_000): JobEvent => ({
        type: 'failed',
        jobId,
        attempt,
        at: at(ms),
        error: { code: 'input_not_found', message: 'no such file', retryable: false },
      }),
    });

    it('moves queued -> running -> succeeded with the audit trail, oldest first', async () => {
      const job = await jobs.create(newJob());
      const e = ev(job.id);
      expect(await applyJobEvent(dataSource, e.started(1))).toEqual({ kind: 'transition', statuses: ['running'] });
      expect(await applyJobEvent(dataSource, e.progress(1, 65.5))).toEqual({ kind: 'progress' });
      const running = await jobs.findById(TENANT, job.id);
      expect(running).toMatchObject({ status: 'running', progress: 65.5, message: 'at 65.5', attempts: 1 });
      expect(running!.startedAt!.toISOString()).toBe(at(1_000));
      expect(await applyJobEvent(dataSource, e.succeeded(1))).toEqual({ kind: 'transition', statuses: ['succeeded'] });
      const done = await jobs.findById(TENANT, job.id);
      expect(done).toMatchObject({ status: 'succeeded', progress: 100, resultRef: 's3://r/1.json', summary: { rows_total: 3 }, error: null });
      expect(done!.finishedAt!.toISOString()).toBe(at(2_000));
      const trail = await jobs.events(job.id);
      expect(trail.map((t) => [t.fromStatus, t.toStatus, t.attempt, t.actor])).toEqual([
        [null, 'queued', 0, 'api'],
        ['queued', 'running', 1, 'worker'],
        ['running', 'succeeded', 1, 'worker'],
      ]);
      expect(trail[1].at.toISOString()).toBe(at(1_000));
    });

    it('changes nothing when an event is applied twice or arrives stale', async () => {
      const job = await jobs.create(newJob());
      const e = ev(job.id);
      await applyJobEvent(dataSource, e.started(1));
      expect((await applyJobEvent(dataSource, e.started(1))).kind).toBe('ignored');
      await applyJobEvent(dataSource, e.succeeded(1));
      const before = await jobs.findById(TENANT, job.id);
      expect((await applyJobEvent(dataSource, e.succeeded(1))).kind).toBe('ignored');
      expect((await applyJobEvent(dataSource, e.progress(1, 10))).kind).toBe('ignored');
      expect((await applyJobEvent(dataSource, e.failed(1))).kind).toBe('ignored');
      expect(await jobs.findById(TENANT, job.id)).toEqual(before);
      expect(await jobs.events(job.id)).toHaveLength(3);
    });

    it('fills in the running step when the terminal event arrives first', async () => {
      const job = await jobs.create(newJob());
      const e = ev(job.id);
      expect(await applyJobEvent(dataSource, e.succeeded(1))).toEqual({ kind: 'transition', statuses: ['running', 'succeeded'] });
      expect((await applyJobEvent(dataSource, e.started(1))).kind).toBe('ignored');
      const trail = await jobs.events(job.id);
      expect(trail.map((t) => t.toStatus)).toEqual(['queued', 'running', 'succeeded']);
      expect(trail[1].at.toISOString()).toBe(at(1_000));
    });

    it('records retries and the final failure with its error', async () => {
      const job = await jobs.create(newJob());
      const e = ev(job.id);
      await applyJobEvent(dataSource, e.started(1));
      await applyJobEvent(dataSource, e.retrying(1));
      expect(await jobs.findById(TENANT, job.id)).toMatchObject({ status: 'retrying', error: { code: 'storage_unavailable' } });
      expect((await applyJobEvent(dataSource, e.progress(1, 50))).kind).toBe('ignored');
      await applyJobEvent(dataSource, e.started(2, 2_500));
      await applyJobEvent(dataSource, e.failed(2));
      const failed = await jobs.findById(TENANT, job.id);
      expect(failed).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'input_not_found', retryable: false } });
      expect(failed!.startedAt!.toISOString()).toBe(at(1_000));
      expect((await jobs.events(job.id)).map((t) => `${t.fromStatus}>${t.toStatus}@${t.attempt}`)).toEqual([
        'null>queued@0',
        'queued>running@1',
        'running>retrying@1',
        'retrying>running@2',
        'running>failed@2',
      ]);
    });

    it('acknowledges an event for a job it does not know', async () => {
      expect(await applyJobEvent(dataSource, ev(randomUUID()).started(1))).toEqual({ kind: 'unknown-job' });
    });

    it('applies a mixed batch in one go: per-job order kept, duplicates and unknown jobs harmless', async () => {
      const a = await jobs.create(newJob());
      const b = await jobs.create(newJob());
      const ea = ev(a.id);
      const eb = ev(b.id);
      const outcomes = await applyJobEvents(dataSource, [
        eb.started(1),
        ea.started(1),
        ea.progress(1, 40),
        eb.retrying(1),
        ea.succeeded(1),
        ea.succeeded(1),
        ev(randomUUID()).started(1),
        eb.started(2, 2_500),
        eb.succeeded(2, 3_000),
      ]);
      expect(outcomes.map((o) => o.kind)).toEqual([
        'transition',
        'transition',
        'progress',
        'transition',
        'transition',
        'ignored',
        'unknown-job',
        'transition',
        'transition',
      ]);
      expect((await jobs.events(a.id)).map((t) => t.toStatus)).toEqual(['queued', 'running', 'succeeded']);
      expect((await jobs.events(b.id)).map((t) => `${t.toStatus}@${t.attempt}`)).toEqual([
        'queued@0',
        'running@1',
        'retrying@1',
        'running@2',
        'succeeded@2',
      ]);
      expect(await jobs.findById(TENANT, b.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    });

    it('writes exactly what per-event application writes (rows and audit trails)', async () => {
      const scenario = (e: ReturnType<typeof ev>): JobEvent[] => [
        e.started(1),
        e.progress(1, 30),
        e.retrying(1),
        e.progress(1, 99),
        e.started(2, 2_500),
        e.progress(2, 70, 2_600),
        e.succeeded(2, 3_000),
        e.failed(2),
        e.started(2),
      ];
      const lost = (e: ReturnType<typeof ev>): JobEvent[] => [e.started(1), e.started(2, 1_200), e.failed(2)];
      const one = [await jobs.create(newJob()), await jobs.create(newJob())];
      const batch = [await jobs.create(newJob()), await jobs.create(newJob())];
      for (const event of [...scenario(ev(one[0].id)), ...lost(ev(one[1].id))]) await applyJobEvent(dataSource, event);
      await applyJobEvents(dataSource, [...lost(ev(batch[1].id)), ...scenario(ev(batch[0].id))]);
      const comparable = async (id: string) => {
        const { id: _id, createdAt: _c, updatedAt: _u, expiresAt: _e, ...row } = (await jobs.findById(TENANT, id))!;
        const trail = (await jobs.events(id)).map((t) => [
          t.fromStatus,
          t.toStatus,
          t.attempt,
          t.progress,
          t.message,
          t.actor,
          t.toStatus === 'queued' ? null : t.at.toISOString(),
        ]);
        return { row, trail };
      };
      for (const i of [0, 1]) expect(await comparable(batch[i].id)).toEqual(await comparable(one[i].id));
      expect((await comparable(batch[0].id)).row).toMatchObject({ status: 'succeeded', attempts: 2, progress: 100 });
    });

    it('leaves the whole batch unapplied when the database fails mid-batch', async () => {
      const job = await jobs.create(newJob());
      const e = ev(job.id);
      const broken = { ...e.succeeded(1), jobId: 'not-a-uuid' } as JobEvent;
      await expect(applyJobEvents(dataSource, [e.started(1), broken])).rejects.toThrow();
      expect(await jobs.findById(TENANT, job.id)).toMatchObject({ status: 'queued' });
    });
  });

  describe('cancel and expiry', () => {
    it('cancels a waiting job at once, and refuses a finished one', async () => {
      const job = await jobs.create(newJob());
      const outcome = await jobs.cancelWaiting(TENANT, job.id, 'api', 'cancelled by client');
      expect(outcome.kind).toBe('cancelled');
      expect(outcome.job).toMatchObject({ status: 'cancelled' });
      expect(outcome.job!.finishedAt).toBeInstanceOf(Date);
      expect((await jobs.cancelWaiting(TENANT, job.id, 'api', 'again')).kind).toBe('not-cancellable');
      expect((await jobs.cancelWaiting(randomUUID(), job.id, 'api', 'x')).kind).toBe('not-found');
      expect((await jobs.events(job.id)).map((e) => e.toStatus)).toEqual(['queued', 'cancelled']);
    });

    it('flags only a running job for cancellation', async () => {
      const job = await jobs.create(newJob());
      expect(await jobs.requestCancel(TENANT, job.id)).toBeNull();
      await applyJobEvent(dataSource, { type: 'started', jobId: job.id, attempt: 1, at: at(0) });
      expect(await jobs.requestCancel(TENANT, job.id)).toMatchObject({ status: 'running', cancelRequested: true });
      await applyJobEvent(dataSource, { type: 'cancelled', jobId: job.id, attempt: 1, at: at(10), reason: 'cancelled by client' });
      expect(await jobs.findById(TENANT, job.id)).toMatchObject({ status: 'cancelled', cancelRequested: true });
    });

    it('expires a waiting job once and lists quiet unfinished jobs of every tenant, oldest first', async () => {
      const unfinished = new UnfinishedJobs(dataSource);
      const a = await jobs.create(newJob({ tenantId: EXP }));
      const b = await jobs.create(newJob({ tenantId: EXP_OTHER }));
      const { jobs: page } = await unfinished.quietPage('queued', new Date(Date.now() + 1_000), null, 1_000);
      const quiet = page.filter((j) => [EXP, EXP_OTHER].includes(j.tenantId));
      expect(quiet.map((j) => j.id)).toEqual([a.id, b.id]);
      expect(await unfinished.expire(a.id, new Date())).toBe(true);
      expect(await unfinished.expire(a.id, new Date())).toBe(false);
      expect(await jobs.findById(EXP, a.id)).toMatchObject({ status: 'expired' });
      expect((await jobs.events(a.id)).at(-1)).toMatchObject({ fromStatus: 'queued', toStatus: 'expired', actor: 'reconciler' });
    });
  });
});
