import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@validahub/testing';
import { createJobsDataSource } from './data-source';
import { JobEntity } from './entities/job.entity';
import { jobListStatement, LIST_TOTAL_CAP } from './job-list-query';
import { JobListCursor, JobListFilter, NewJob } from './job-records';
import { JobRepository } from './job-repository';
import { migrateWithLock } from './migrate';

/** Inserts `count` finished jobs of `tenantId` all created at `at` (one instant: ties for the keyset to break). */
async function insertAt(dataSource: DataSource, tenantId: string, at: string, count: number, status = 'succeeded'): Promise<void> {
  await dataSource.query(
    `INSERT INTO jobs (id, tenant_id, task_name, status, params, priority, plan, queue, max_attempts, correlation_id, created_at)
     SELECT gen_random_uuid(), $1, 'validate_csv_job', $4, '{}', 5, 'pro', 'queue-pro', 4, 'bulk', $2::timestamptz FROM generate_series(1, $3)`,
    [tenantId, at, count, status],
  );
}

function newJob(tenantId: string, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: randomUUID(),
    tenantId,
    taskName: 'validate_csv_job',
    params: {},
    priority: 5,
    plan: 'pro',
    queue: 'queue-pro',
    maxAttempts: 4,
    correlationId: 'corr',
    idempotencyKey: null,
    expiresAt: null,
    ...overrides,
  };
}

/** List order: created_at DESC, then id DESC (uuid order is the order of its lowercase hex). */
const listOrder = (a: JobEntity, b: JobEntity) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const positionOf = (job: JobEntity): JobListCursor => ({ createdAt: job.createdAt, id: job.id });

describe('jobs list: keyset pages, filters, capped total (Postgres)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let jobs: JobRepository;

  beforeAll(async () => {
    db = await createTestDatabase('job_list');
    dataSource = await createJobsDataSource({ databaseUrl: db.url }).initialize();
    await migrateWithLock(dataSource);
    jobs = new JobRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /** Every page of `filter` by cursor, `limit` at a time; `between` runs beside each page's read. */
  async function walk(filter: Omit<JobListFilter, 'limit' | 'offset'>, limit: number, between?: () => Promise<unknown>): Promise<JobEntity[]> {
    const seen: JobEntity[] = [];
    let after: JobListCursor | undefined;
    for (let pages = 0; pages < 1_000; pages++) {
      const [page] = await Promise.all([jobs.list({ ...filter, after, limit, offset: 0 }), between?.()]);
      seen.push(...page.items);
      if (page.items.length < limit) return seen;
      after = positionOf(page.items[page.items.length - 1]);
    }
    throw new Error('the walk did not end');
  }

  it('pages by cursor through jobs sharing created_at, while others are inserted, without skipping or repeating any', async () => {
    const tenantId = randomUUID();
    // Three instants with 30, 30 and 10 jobs each: most page boundaries fall inside a tie.
    const instants = ['2025-03-01T10:00:00.000Z', '2025-03-01T09:00:00.000Z', '2025-02-01T00:00:00.000Z'];
    await insertAt(dataSource, tenantId, instants[0], 30);
    await insertAt(dataSource, tenantId, instants[1], 30);
    await insertAt(dataSource, tenantId, instants[2], 10);
    const before: { id: string }[] = await dataSource.query(`SELECT id FROM jobs WHERE tenant_id = $1`, [tenantId]);

    // Beside every page: new jobs now (above every cursor) and new jobs at the tied instants (either side of it).
    let round = 0;
    const insertDuring = async () => {
      round += 1;
      await jobs.createMany([newJob(tenantId), newJob(tenantId)]);
      await insertAt(dataSource, tenantId, instants[round % 2], 2);
    };
    const seen = await walk({ tenantId }, 7, insertDuring);

    const ids = seen.map((job) => job.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(before.map((row) => row.id)));
    expect(seen).toEqual([...seen].sort(listOrder));
    // Jobs created "now" sit above every cursor: only those made beside the first page can show.
    expect(seen.filter((job) => job.createdAt.getTime() > Date.parse(instants[0])).length).toBeLessThanOrEqual(2);
  });

  it('repeats jobs when paging by offset under the same inserts (why the cursor exists)', async () => {
    const tenantId = randomUUID();
    await insertAt(dataSource, tenantId, '2025-03-01T10:00:00.000Z', 30);
    const seen: string[] = [];
    for (let offset = 0; offset < 30; offset += 7) {
      const [page] = await Promise.all([jobs.list({ tenantId, limit: 7, offset }), jobs.createMany([newJob(tenantId), newJob(tenantId)])]);
      seen.push(...page.items.map((job) => job.id));
    }
    expect(new Set(seen).size).toBeLessThan(seen.length);
  });

  describe('filters', () => {
    const tenantId = randomUUID();
    const other = randomUUID();
    const workflowId = randomUUID();
    const scheduleId = randomUUID();
    let all: JobEntity[];

    beforeAll(async () => {
      const made: NewJob[] = [];
      for (let i = 0; i < 48; i++) {
        made.push(
          newJob(tenantId, {
            taskName: i % 3 === 0 ? 'correct_csv_job' : 'validate_csv_job',
            plan: i % 4 === 0 ? 'free' : 'pro',
            correlationId: `corr-${i % 5}`,
            idempotencyKey: i % 6 === 0 ? `key-${i}` : null,
            workflowId: i % 7 === 0 ? workflowId : null,
            scheduleId: i % 8 === 0 ? scheduleId : null,
            template: i % 9 === 0 ? 'daily-feed' : null,
          }),
        );
      }
      // The same values under another tenant: none of them may show.
      made.push(newJob(other, { correlationId: 'corr-1', workflowId, scheduleId, template: 'daily-feed', idempotencyKey: 'key-0' }));
      await jobs.createMany(made);
      // Spread over time with pairs sharing an instant, and a mix of statuses.
      await dataSource.query(
        `UPDATE jobs SET created_at = '2025-06-01T00:00:00Z'::timestamptz + (n / 2) * interval '1 minute',
                         status = (ARRAY['queued', 'running', 'succeeded', 'failed'])[1 + n % 4]
         FROM (SELECT id AS job_id, row_number() OVER (ORDER BY id) AS n FROM jobs WHERE tenant_id IN ($1, $2)) AS numbered
         WHERE id = job_id`,
        [tenantId, other],
      );
      all = (await dataSource.manager.findBy(JobEntity, { tenantId })).sort(listOrder);
    });

    const middle = () => all[20].createdAt;
    const cases: [string, () => Omit<JobListFilter, 'tenantId' | 'limit' | 'offset'>, (job: JobEntity) => boolean][] = [
      ['none', () => ({}), () => true],
      ['status', () => ({ status: 'failed' }), (job) => job.status === 'failed'],
      ['task', () => ({ taskName: 'correct_csv_job' }), (job) => job.taskName === 'correct_csv_job'],
      ['plan', () => ({ plan: 'free' }), (job) => job.plan === 'free'],
      ['correlation id', () => ({ correlationId: 'corr-1' }), (job) => job.correlationId === 'corr-1'],
      ['idempotency key', () => ({ idempotencyKey: 'key-0' }), (job) => job.idempotencyKey === 'key-0'],
      ['workflow', () => ({ workflowId }), (job) => job.workflowId === workflowId],
      ['schedule', () => ({ scheduleId }), (job) => job.scheduleId === scheduleId],
      ['template', () => ({ template: 'daily-feed' }), (job) => job.template === 'daily-feed'],
      ['created after (exclusive)', () => ({ createdAfter: middle() }), (job) => job.createdAt > middle()],
      ['created before (exclusive)', () => ({ createdBefore: middle() }), (job) => job.createdAt < middle()],
      [
        'status and task',
        () => ({ status: 'queued', taskName: 'validate_csv_job' }),
        (job) => job.status === 'queued' && job.taskName === 'validate_csv_job',
      ],
      [
        'plan within a window',
        () => ({ plan: 'pro', createdAfter: all[40].createdAt, createdBefore: all[5].createdAt }),
        (job) => job.plan === 'pro' && job.createdAt > all[40].createdAt && job.createdAt < all[5].createdAt,
      ],
    ];

    it.each(cases)('%s: every matching job of the tenant once, newest first, by cursor, with the exact total', async (_name, filter, matches) => {
      const expected = all.filter(matches).map((job) => job.id);
      expect(expected.length).toBeGreaterThan(0);
      const walked = await walk({ tenantId, ...filter() }, 3);
      expect(walked.map((job) => job.id)).toEqual(expected);
      const first = await jobs.list({ tenantId, ...filter(), limit: 3, offset: 0 });
      expect(first).toMatchObject({ total: expected.length, totalIsLowerBound: false });
      // The total counts every page, not what is left after the cursor.
      const later = await jobs.list({ tenantId, ...filter(), after: positionOf(walked[0]), limit: 3, offset: 0 });
      expect(later.total).toBe(expected.length);
    });

    it('shows nothing of another tenant, even at a position taken from that tenant', async () => {
      const theirs = (await jobs.list({ tenantId: other, limit: 10, offset: 0 })).items;
      expect(theirs).toHaveLength(1);
      const fromTheirPosition = await jobs.list({
        tenantId,
        after: { createdAt: new Date('2100-01-01T00:00:00Z'), id: theirs[0].id },
        limit: 100,
        offset: 0,
      });
      expect(fromTheirPosition.items.map((job) => job.id)).toEqual(all.map((job) => job.id));
      expect((await jobs.list({ tenantId: randomUUID(), limit: 10, offset: 0 })).items).toEqual([]);
      expect(await jobs.list({ tenantId, idempotencyKey: 'nobody-has-it', limit: 10, offset: 0 })).toEqual({
        items: [],
        total: 0,
        totalIsLowerBound: false,
      });
    });
  });

  it(`counts exactly up to ${LIST_TOTAL_CAP} matching jobs, then reports the cap as a lower bound`, async () => {
    const tenantId = randomUUID();
    await insertAt(dataSource, tenantId, '2025-01-01T00:00:00.000Z', LIST_TOTAL_CAP - 1);
    await insertAt(dataSource, tenantId, '2025-01-02T00:00:00.000Z', 1, 'failed');
    expect(await jobs.list({ tenantId, limit: 5, offset: 0 })).toMatchObject({ total: LIST_TOTAL_CAP, totalIsLowerBound: false });
    await insertAt(dataSource, tenantId, '2025-01-03T00:00:00.000Z', 1);
    const capped = await jobs.list({ tenantId, limit: 5, offset: 0 });
    expect(capped).toMatchObject({ total: LIST_TOTAL_CAP, totalIsLowerBound: true });
    expect(capped.items).toHaveLength(5);
    // A filter below the cap is exact again; so is a page past the cap by offset.
    expect(await jobs.list({ tenantId, status: 'failed', limit: 5, offset: 0 })).toMatchObject({ total: 1, totalIsLowerBound: false });
    const deep = await jobs.list({ tenantId, limit: 5, offset: LIST_TOTAL_CAP - 2 });
    expect(deep.items).toHaveLength(3);
    expect(deep).toMatchObject({ total: LIST_TOTAL_CAP, totalIsLowerBound: true });
  });

  describe('plans', () => {
    interface PlanNode {
      'Node Type': string;
      'Index Name'?: string;
      Plans?: PlanNode[];
    }
    /** Thrown to roll the transaction back once its plan is read. */
    class PlanSeen extends Error {
      constructor(readonly plan: PlanNode) {
        super('plan read');
      }
    }
    const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

    async function planOf(filter: Partial<JobListFilter>, dropIndex?: string): Promise<PlanNode> {
      const { sql, params } = jobListStatement({
        tenantId: randomUUID(),
        ...filter,
        after: { createdAt: new Date(), id: randomUUID() },
        limit: 20,
        offset: 0,
      });
      return dataSource
        .transaction(async (manager) => {
          // The test table is small: make the planner show what it does when the table is not.
          await manager.query('SET LOCAL enable_seqscan = off');
          await manager.query('SET LOCAL enable_bitmapscan = off');
          // Walking the tenant's index and filtering is a fair plan for a common value; without it
          // (rolled back with the transaction) the filter's own index must serve the order alone.
          if (dropIndex) await manager.query(`DROP INDEX ${dropIndex}`);
          const [row] = await manager.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
          throw new PlanSeen(row['QUERY PLAN'][0].Plan as PlanNode);
        })
        .catch((seen: unknown) => {
          if (seen instanceof PlanSeen) return seen.plan;
          throw seen;
        });
    }

    it('counts a combination of filters from an index alone (the other filters are INCLUDEd)', async () => {
      for (const filter of [
        { status: 'failed', taskName: 'correct_csv_job' },
        { taskName: 'noop_job', plan: 'free' },
      ] as const) {
        const count = nodes(await planOf(filter)).filter((n) => /Scan/.test(n['Node Type']))[0];
        expect([count['Node Type'], count['Index Name']]).toEqual([
          'Index Only Scan',
          expect.stringMatching(/^jobs_tenant_(status|task|plan)_list_idx$/),
        ]);
      }
    });

    it.each<[string, Partial<JobListFilter>, string]>([
      ['no filter', {}, 'jobs_tenant_created_idx'],
      ['status', { status: 'failed' }, 'jobs_tenant_status_list_idx'],
      ['task', { taskName: 'correct_csv_job' }, 'jobs_tenant_task_list_idx'],
      ['plan', { plan: 'free' }, 'jobs_tenant_plan_list_idx'],
      ['correlation id', { correlationId: 'c' }, 'jobs_tenant_correlation_id_idx'],
      ['idempotency key', { idempotencyKey: 'k' }, 'jobs_tenant_idempotency_key_idx'],
      ['workflow', { workflowId: randomUUID() }, 'jobs_tenant_workflow_id_idx'],
      ['schedule', { scheduleId: randomUUID() }, 'jobs_tenant_schedule_id_idx'],
      ['template', { template: 't' }, 'jobs_tenant_template_idx'],
      ['creation window', { createdAfter: new Date('2025-01-01Z'), createdBefore: new Date('2025-02-01Z') }, 'jobs_tenant_created_idx'],
    ])('%s: a cursor page can walk %s in list order, sorting only the page itself', async (_name, filter, index) => {
      const plan = await planOf(filter, index === 'jobs_tenant_created_idx' ? undefined : 'jobs_tenant_created_idx');
      const all = nodes(plan);
      // The page reads whole rows (Index Scan); the capped count may take any index on the tenant (Index Only Scan).
      expect(all.filter((n) => n['Node Type'] === 'Index Scan').map((n) => n['Index Name'])).toEqual([index]);
      expect(all.filter((n) => /Scan/.test(n['Node Type'])).map((n) => n['Node Type'])).toEqual(['Index Only Scan', 'Index Scan']);
      // The one sort is the outer ORDER BY over the page's rows (at most `limit`); the scans need none.
      expect(plan['Node Type']).toBe('Sort');
      expect(all.filter((n) => /Sort/.test(n['Node Type']))).toHaveLength(1);
    });
  });
});
