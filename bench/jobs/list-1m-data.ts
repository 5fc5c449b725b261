import { performance } from 'node:perf_hooks';
import type { Plan } from '@validahub/jobs-domain';
import type { Client } from 'pg';

/** A bench tenant and the share of the table's jobs it owns. */
export interface BenchListTenant {
  id: string;
  plan: Plan;
  share: number;
}

/** The first day of the year of jobs the bench writes; created_at runs from here for DAYS days. */
export const JOBS_FROM = new Date('2026-01-01T00:00:00.000Z');
export const DAYS = 365;
export const TEMPLATES = ['ml-daily', 'amazon-weekly', 'shopee-fix', 'magalu-check', 'catalogue'];
const MARKETPLACES = ['mercado_livre', 'amazon', 'shopee', 'magalu'];

/**
 * Writes `rows` jobs with one INSERT ... SELECT over generate_series per tenant (fast: no client
 * round trip per row), through the table's real triggers and indexes. Spread:
 * - tenants by `share`, each tenant's jobs over the whole year (interleaved, as real traffic);
 * - created_at truncated to milliseconds (as the column default does) and every 3 consecutive
 *   jobs of a tenant sharing one instant, so keyset paging has ties to break on id;
 * - status: succeeded 70%, failed 12%, cancelled 5%, expired 3%, queued 5%, running 3%, retrying 2%;
 * - task: validate 50%, correct 30%, sync 10%, report 10%; marketplace: 4 in params;
 * - plan: the tenant's for 90%, `free` for 10% (a plan change in its history);
 * - correlation ids shared by ~20 jobs, an idempotency key on 20%, a template on 10%,
 *   a workflow (5 jobs each) on 5%, one of 20 schedules on 10%.
 */
export async function loadJobs(pg: Client, tenants: readonly BenchListTenant[], rows: number): Promise<number> {
  const started = performance.now();
  await pg.query(`SELECT setseed(0.17)`);
  // A fixed UUID of version 4 from an md5 (the API validates workflow and schedule ids as v4-shaped UUIDs).
  await pg.query(`CREATE FUNCTION pg_temp.v4(hex text) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    $$ SELECT overlay(overlay(hex PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid $$`);
  const spanMs = DAYS * 86_400_000;
  for (const [t, tenant] of tenants.entries()) {
    const count = Math.round(rows * tenant.share);
    await pg.query(
      `INSERT INTO jobs (id, tenant_id, task_name, status, progress, params, priority, plan, queue, attempts, max_attempts,
                         correlation_id, idempotency_key, created_at, started_at, finished_at, template, template_version,
                         workflow_id, step_id, schedule_id, updated_at)
       SELECT gen_random_uuid(), $1::uuid, task, status, CASE WHEN status = 'succeeded' THEN 100 ELSE 0 END,
              jsonb_build_object('input_uri', 'uploads/feed-' || (g % 1000) || '.csv', 'marketplace', ($5::text[])[1 + g % 4]),
              5, CASE WHEN r_plan < 0.1 THEN 'free' ELSE $2 END, 'queue-' || CASE WHEN r_plan < 0.1 THEN 'free' ELSE $2 END,
              CASE WHEN status IN ('queued') THEN 0 ELSE 1 END, 4,
              'bench-corr-' || $6::int || '-' || (g / 20), CASE WHEN r_key < 0.2 THEN 'key-' || $6::int || '-' || g END,
              at, CASE WHEN status NOT IN ('queued', 'expired') THEN at END,
              CASE WHEN status IN ('succeeded', 'failed', 'cancelled', 'expired') THEN at + interval '2 seconds' END,
              CASE WHEN r_template < 0.1 THEN ($7::text[])[1 + g % 5] END, CASE WHEN r_template < 0.1 THEN 1 END,
              CASE WHEN g % 20 = 0 THEN pg_temp.v4(md5('wf-' || $6::int || '-' || (g / 100))) END,
              CASE WHEN g % 20 = 0 THEN 'step' END,
              CASE WHEN r_schedule < 0.1 THEN pg_temp.v4(md5('sched-' || $6::int || '-' || (g % 20))) END,
              at
       FROM (SELECT g, random() AS r_plan, random() AS r_key, random() AS r_template, random() AS r_schedule,
                    date_trunc('milliseconds', $3::timestamptz + ((g / 3) * 3 * ($4::float8 / $8::int)) * interval '1 millisecond') AS at,
                    (ARRAY['validate_csv_job', 'validate_csv_job', 'validate_csv_job', 'validate_csv_job', 'validate_csv_job',
                           'correct_csv_job', 'correct_csv_job', 'correct_csv_job', 'sync_connector_job', 'generate_report_job'])[1 + floor(random() * 10)::int] AS task,
                    CASE WHEN s < 0.70 THEN 'succeeded' WHEN s < 0.82 THEN 'failed' WHEN s < 0.87 THEN 'cancelled' WHEN s < 0.90 THEN 'expired'
                         WHEN s < 0.95 THEN 'queued' WHEN s < 0.98 THEN 'running' ELSE 'retrying' END AS status
             FROM (SELECT g, random() AS s FROM generate_series(0, $8::int - 1) AS g) AS numbered) AS spread`,
      [tenant.id, tenant.plan, JOBS_FROM.toISOString(), spanMs, MARKETPLACES, t, TEMPLATES, count],
    );
  }
  await pg.query(`VACUUM (ANALYZE) jobs`);
  return performance.now() - started;
}
