import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobEvent } from '@validahub/jobs-domain';
import { createTestDatabase, TestDatabase } from '@validahub/testing';
import { createJobsDataSource } from './data-source';
import { applyJobEvents } from './event-writer';
import { JobRepository } from './job-repository';
import { NewJob } from './job-records';
import { migrateWithLock } from './migrate';

const TENANT = randomUUID();
const MARKETPLACES = ['amazon', 'magalu', 'mercado_livre', 'shopee'];
const JOBS_PER_MARKETPLACE = 250;
const APPLIERS = 8;
const SUMMARY = { rows_total: 10, rows_invalid: 2, errors: 3, warnings: 1, fixes_applied: 4, by_rule: { a: 1, b: 2 }, by_column: { sku: 5 } };

const newJob = (marketplace: string): NewJob => ({
  id: randomUUID(),
  tenantId: TENANT,
  taskName: 'validate_csv_job',
  params: { input_uri: 'feed.csv', marketplace },
  priority: 5,
  plan: 'pro',
  queue: 'queue-pro',
  maxAttempts: 4,
  correlationId: 'report-facts',
  idempotencyKey: null,
  expiresAt: null,
});

const succeeded = (jobId: string): JobEvent => {
  const at = new Date().toISOString();
  return { type: 'succeeded', jobId, attempt: 1, at, startedAt: at, resultRef: null, summary: SUMMARY };
};

/** The report roll-ups under concurrent event appliers, as several gateway replicas run them. */
describe('report roll-ups (Postgres triggers)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('report-facts');
    dataSource = await createJobsDataSource({ databaseUrl: db.url, poolSize: APPLIERS }).initialize();
    await migrateWithLock(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('counts each job once, with no deadlock, when concurrent batches end one tenant’s jobs in opposite marketplace orders', async () => {
    const jobs = await new JobRepository(dataSource).createMany(Array.from({ length: JOBS_PER_MARKETPLACE }, () => MARKETPLACES.map(newJob)).flat());
    // Batches of four alternating marketplaces, every other one reversed: per-row roll-ups took the
    // shared rows' locks in these opposite orders.
    const batches: JobEvent[][] = [];
    for (let i = 0; i < jobs.length; i += 4) {
      const events = jobs.slice(i, i + 4).map((job) => succeeded(job.id));
      batches.push((i / 4) % 2 ? events.reverse() : events);
    }
    // Eight appliers taking batches off one list, as replicas take them off the event stream.
    const pending = [...batches];
    const errors: unknown[] = [];
    const applier = async () => {
      for (let events = pending.shift(); events; events = pending.shift()) await applyJobEvents(dataSource, events).catch((e) => errors.push(e));
    };
    await Promise.all(Array.from({ length: APPLIERS }, applier));
    expect(errors).toEqual([]);
    // The same events again (a redelivered batch): already succeeded, counted nowhere.
    await Promise.all(batches.slice(0, 5).map((events) => applyJobEvents(dataSource, events)));

    const daily = await dataSource.query(
      `SELECT marketplace, sum(jobs)::int AS jobs, sum(rows_checked)::int AS rows_checked, sum(rows_invalid)::int AS rows_invalid,
              sum(errors)::int AS errors, sum(warnings)::int AS warnings, sum(fixes_applied)::int AS fixes_applied
       FROM report_daily WHERE tenant_id = $1 GROUP BY marketplace ORDER BY marketplace`,
      [TENANT],
    );
    const n = JOBS_PER_MARKETPLACE;
    expect(daily).toEqual(
      MARKETPLACES.map((marketplace) => ({
        marketplace,
        jobs: n,
        rows_checked: 10 * n,
        rows_invalid: 2 * n,
        errors: 3 * n,
        warnings: n,
        fixes_applied: 4 * n,
      })),
    );
    const counts = await dataSource.query(
      `SELECT marketplace, kind, name, sum(count)::int AS count FROM report_daily_counts WHERE tenant_id = $1
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [TENANT],
    );
    expect(counts).toEqual(
      MARKETPLACES.flatMap((marketplace) => [
        { marketplace, kind: 'column', name: 'sku', count: 5 * n },
        { marketplace, kind: 'rule', name: 'a', count: n },
        { marketplace, kind: 'rule', name: 'b', count: 2 * n },
      ]),
    );
  });

  it('rolls up a job inserted already succeeded, and leaves non-CSV tasks and other statuses out', async () => {
    const tenant = randomUUID();
    const insert = (task: string, status: string) =>
      dataSource.query(
        `INSERT INTO jobs (id, tenant_id, task_name, status, params, priority, plan, queue, max_attempts, correlation_id, finished_at, summary)
         VALUES ($1, $2, $3, $4, '{"marketplace":"magalu"}', 5, 'pro', 'queue-pro', 4, 'c', now(), $5)`,
        [randomUUID(), tenant, task, status, SUMMARY],
      );
    await insert('correct_csv_job', 'succeeded');
    await insert('noop_job', 'succeeded');
    await insert('validate_csv_job', 'failed');
    const daily = await dataSource.query(`SELECT task_name, jobs::int, errors::int FROM report_daily WHERE tenant_id = $1`, [tenant]);
    expect(daily).toEqual([{ task_name: 'correct_csv_job', jobs: 1, errors: 3 }]);
  });
});
