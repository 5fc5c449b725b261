// generate_report_job's SQL over 100,000 finished jobs of one tenant (and as many of others):
// database time of the three aggregate statements, their EXPLAIN ANALYZE, and a baseline measured
// in the same run (a plain count of the same rows through the same index).
// Run: node -r @swc-node/register bench/reports/report-aggregates.ts [N]
import { randomUUID } from 'node:crypto';
import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import { createJobsDataSource, REPORT_TOTALS_SQL, reportTopCountsSql, runPendingMigrations } from '@validahub/jobs-persistence';
import { createTestDatabase } from '@validahub/testing';

const N = Number(process.argv[2] ?? 100_000);

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_reports');
  const dataSource = await createJobsDataSource({ databaseUrl: db.url, statementTimeoutMs: 600_000 }).initialize();
  try {
    await runPendingMigrations(dataSource);
    const other = randomUUID();
    // N jobs of the tenant over 2025, N of another tenant: summaries shaped as CSV jobs record them.
    const seed = `
      INSERT INTO jobs (id, tenant_id, task_name, status, params, priority, plan, queue, max_attempts, correlation_id, created_at, finished_at, summary)
      SELECT gen_random_uuid(), $1, CASE WHEN i % 3 = 0 THEN 'correct_csv_job' ELSE 'validate_csv_job' END, 'succeeded',
             jsonb_build_object('input_uri', 'x.csv', 'marketplace', (ARRAY['mercado_livre','amazon','shopee','magalu'])[1 + i % 4]),
             5, 'pro', 'queue-pro', 1, 'bench', ts, ts,
             jsonb_build_object('rows_total', 1000 + i % 500, 'rows_invalid', i % 97, 'errors', i % 50, 'warnings', i % 7,
               'fixes_applied', i % 11, 'by_rule', jsonb_build_object('missing_cell', i % 13, 'invalid_price', i % 5, 'rule_' || (i % 30), 1),
               'by_column', jsonb_build_object('price', i % 5, 'title', i % 9, 'col_' || (i % 40), 2))
      FROM (SELECT i, timestamptz '2025-01-01' + (i % 365) * interval '1 day' + (i % 86400) * interval '1 second' AS ts
            FROM generate_series(1, $2) AS i) AS g`;
    const started = Date.now();
    await dataSource.query(seed, [ANONYMOUS_TENANT_ID, N]);
    await dataSource.query(seed, [other, N]);
    await dataSource.query('ANALYZE jobs, report_daily, report_daily_counts');
    console.log(
      `seeded ${N} jobs for the tenant and ${N} for another in ${Date.now() - started} ms (roll-ups written by the trigger as they were inserted)`,
    );

    const params = [ANONYMOUS_TENANT_ID, '2025-01-01', '2026-01-01', null];
    // Baseline: counting the same jobs straight from the jobs table (what a report would cost without the roll-ups).
    const baselineSql = `SELECT count(*) FROM jobs WHERE tenant_id = $1 AND status = 'succeeded'
      AND task_name IN ('validate_csv_job', 'correct_csv_job') AND finished_at >= $2::date AND finished_at < $3::date + 1
      AND ($4::text IS NULL OR params->>'marketplace' = $4)`;
    const executionMs = async (sql: string) => {
      const plan: { 'QUERY PLAN': string }[] = await dataSource.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      return { ms: Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1]), text };
    };
    const statements = { totals: REPORT_TOTALS_SQL, top_rules: reportTopCountsSql('rule', 10), top_columns: reportTopCountsSql('column', 10) };
    // Warm the cache once, then measure.
    for (const sql of Object.values(statements)) await dataSource.query(sql, params);
    const baseline = await executionMs(baselineSql);
    let database = 0;
    for (const [name, sql] of Object.entries(statements)) {
      const { ms, text } = await executionMs(sql);
      database += ms;
      console.log(`\n--- EXPLAIN ANALYZE ${name}: ${ms.toFixed(1)} ms\n${text}`);
    }
    const [totals] = (await dataSource.query(`SELECT sum(jobs) AS jobs FROM report_daily WHERE tenant_id = $1`, [ANONYMOUS_TENANT_ID])) as {
      jobs: string;
    }[];
    console.log(
      `\nreport over ${Number(totals?.jobs ?? 0)} jobs (366 days): database time ${database.toFixed(1)} ms (sum of the three statements' Execution Time)`,
    );
    console.log(
      `baseline: count(*) of the same jobs in the jobs table ${baseline.ms.toFixed(1)} ms; ratio report/baseline ${(database / baseline.ms).toFixed(3)}`,
    );
    console.log(`under 2 s of database time: ${database < 2_000 ? 'yes' : 'NO'}`);
  } finally {
    await dataSource.destroy();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
