import { MigrationInterface, QueryRunner } from 'typeorm';
import { createPerRowReportTriggers } from './1768200000200-report-facts';

const CSV_TASKS = `('validate_csv_job', 'correct_csv_job')`;
const ENDED = `n.status = 'succeeded' AND n.finished_at IS NOT NULL AND n.task_name IN ${CSV_TASKS}`;

/**
 * The report roll-ups of CreateReportFacts, kept per statement instead of per row. Per row, two
 * event appliers (gateway replicas) each ending jobs of one tenant in two marketplaces locked the
 * shared roll-up rows in whatever order their UPDATE visited the jobs, and could deadlock. Now
 * each statement upserts its jobs' roll-ups already summed and in key order, so concurrent
 * appliers (one UPDATE per batch) take those row locks in the same order; a batch also writes
 * each roll-up row once instead of once per job.
 */
export class ReportFactsPerStatement1768200000300 implements MigrationInterface {
  name = 'ReportFactsPerStatement1768200000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER jobs_report_facts_on_insert ON jobs`);
    await queryRunner.query(`DROP TRIGGER jobs_report_facts_on_update ON jobs`);
    await queryRunner.query(`DROP FUNCTION record_report_facts()`);
    await queryRunner.query(`CREATE FUNCTION roll_up_report_facts(ended jobs[]) RETURNS void LANGUAGE sql AS $$
      INSERT INTO report_daily
      SELECT j.tenant_id, (j.finished_at AT TIME ZONE 'UTC')::date, left(coalesce(j.params->>'marketplace', 'generic'), 64), j.task_name,
             count(*), sum(report_number(j.summary, 'rows_total')), sum(report_number(j.summary, 'rows_invalid')),
             sum(report_number(j.summary, 'errors')), sum(report_number(j.summary, 'warnings')), sum(report_number(j.summary, 'fixes_applied'))
      FROM unnest(ended) AS j GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ON CONFLICT (tenant_id, day, marketplace, task_name) DO UPDATE SET
        jobs = report_daily.jobs + EXCLUDED.jobs, rows_checked = report_daily.rows_checked + EXCLUDED.rows_checked,
        rows_invalid = report_daily.rows_invalid + EXCLUDED.rows_invalid, errors = report_daily.errors + EXCLUDED.errors,
        warnings = report_daily.warnings + EXCLUDED.warnings, fixes_applied = report_daily.fixes_applied + EXCLUDED.fixes_applied;
      INSERT INTO report_daily_counts
      SELECT j.tenant_id, (j.finished_at AT TIME ZONE 'UTC')::date, left(coalesce(j.params->>'marketplace', 'generic'), 64), k.kind, e.key,
             sum(report_number(jsonb_build_object('n', e.value), 'n'))
      FROM unnest(ended) AS j CROSS JOIN (VALUES ('rule'), ('column')) AS k(kind),
           jsonb_each(CASE WHEN jsonb_typeof(j.summary->('by_' || k.kind)) = 'object' THEN j.summary->('by_' || k.kind) ELSE '{}'::jsonb END) AS e
      WHERE jsonb_typeof(e.value) = 'number'
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 4, 2, 3, 5
      ON CONFLICT (tenant_id, kind, day, marketplace, name) DO UPDATE SET count = report_daily_counts.count + EXCLUDED.count $$`);
    // Transition tables cannot go with a column list (UPDATE OF status), hence the join on the old rows.
    await queryRunner.query(`CREATE FUNCTION record_report_facts_of_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM roll_up_report_facts(ARRAY(
          SELECT ROW(n.*)::jobs FROM ended_new n JOIN ended_old o ON o.id = n.id WHERE ${ENDED} AND o.status IS DISTINCT FROM 'succeeded'));
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE FUNCTION record_report_facts_of_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM roll_up_report_facts(ARRAY(SELECT ROW(n.*)::jobs FROM ended_new n WHERE ${ENDED}));
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER jobs_report_facts_on_update AFTER UPDATE ON jobs
      REFERENCING OLD TABLE AS ended_old NEW TABLE AS ended_new FOR EACH STATEMENT EXECUTE FUNCTION record_report_facts_of_update()`);
    await queryRunner.query(`CREATE TRIGGER jobs_report_facts_on_insert AFTER INSERT ON jobs
      REFERENCING NEW TABLE AS ended_new FOR EACH STATEMENT EXECUTE FUNCTION record_report_facts_of_insert()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER jobs_report_facts_on_insert ON jobs`);
    await queryRunner.query(`DROP TRIGGER jobs_report_facts_on_update ON jobs`);
    await queryRunner.query(`DROP FUNCTION record_report_facts_of_insert()`);
    await queryRunner.query(`DROP FUNCTION record_report_facts_of_update()`);
    await queryRunner.query(`DROP FUNCTION roll_up_report_facts(jobs[])`);
    await createPerRowReportTriggers(queryRunner);
  }
}
