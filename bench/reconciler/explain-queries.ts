import { DataSource, MigrationInterface } from 'typeorm';
import { JOBS_ENTITIES, JOBS_MIGRATIONS, UnfinishedJobs } from '@validahub/jobs-persistence';
import { createTestDatabase } from '@validahub/testing';

/**
 * The reconciler's reads before and after the `ReconcilerQuietIndexes` migration, on a table
 * with history (200,000 finished jobs, 600 queued an hour, 5 running): EXPLAIN ANALYZE of the
 * old single query on the first schema, then of the new per-kind pages on the migrated one.
 *
 *   node -r @swc-node/register bench/reconciler/explain-queries.ts     (a throwaway database on the local Postgres)
 */
const migration = (name: string): MigrationInterface => {
  const found = JOBS_MIGRATIONS.find((m) => m.name.startsWith(name));
  if (!found) throw new Error(`no migration ${name}`);
  return new found();
};

async function main(): Promise<void> {
  const db = await createTestDatabase('explain');
  const ds = await new DataSource({ type: 'postgres', url: db.url, entities: JOBS_ENTITIES }).initialize();
  const runner = ds.createQueryRunner();
  try {
    await migration('CreateJobs').up(runner);
    const insert = (status: string, count: number, ago: string) =>
      ds.query(
        `INSERT INTO jobs (id, task_name, status, params, priority, plan, queue, attempts, max_attempts, correlation_id, updated_at)
         SELECT gen_random_uuid(), 'noop_job', $1, '{}', 5, 'pro', 'queue-pro', 1, 1, 'c', now() - $2::interval - make_interval(secs => g / 1000.0)
         FROM generate_series(1, $3) g`,
        [status, ago, count],
      );
    await insert('succeeded', 200_000, '2 days');
    await insert('queued', 600, '1 hour');
    await insert('running', 5, '30 seconds');
    await ds.query('ANALYZE jobs');
    const quietSince = new Date(Date.now() - 5_000);
    const show = async (title: string, sql: string, params: unknown[]) => {
      const rows = (await ds.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`, params)) as Record<string, string>[];
      console.log(`\n-- ${title}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    };
    await show(
      'before: one query for every unfinished job, oldest 500',
      `SELECT * FROM jobs job WHERE job.status IN ('queued', 'retrying', 'running') AND job.updated_at < $1 ORDER BY job.updated_at ASC LIMIT 500`,
      [quietSince],
    );
    await migration('ReconcilerQuietIndexes').up(runner);
    await ds.query('ANALYZE jobs');
    const unfinished = new UnfinishedJobs(ds);
    for (const kind of ['started', 'queued'] as const) {
      for (const after of [null, { at: '2000-01-01 00:00:00+00', id: '00000000-0000-4000-8000-000000000000' }]) {
        const [sql, params] = unfinished.quietPageQuery(kind, quietSince, after, 500).getQueryAndParameters();
        await show(`after: ${kind} jobs, ${after ? 'a later page' : 'first page'}`, sql, params);
      }
    }
  } finally {
    await runner.release();
    await ds.destroy();
    await db.drop();
  }
}

void main();
