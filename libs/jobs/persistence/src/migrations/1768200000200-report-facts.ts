import { MigrationInterface, QueryRunner } from 'typeorm';

const CSV_TASKS = `('validate_csv_job', 'correct_csv_job')`;

/**
 * What reports need, recorded when a CSV job ends (contract "generate_report_job": a report
 * never re-reads old CSVs, nor every old job): daily roll-ups per tenant, day (UTC), marketplace
 * and task of the numbers in the job's summary, and of its per-rule and per-column counts. A
 * trigger keeps them in the transaction that makes the job `succeeded`, whichever path does
 * (the event applier's batch, a single event, a test's insert): the guarded transition happens
 * once, so each job is counted once. A report over a year then reads at most a few thousand
 * rows, however many jobs the tenant ran. Existing succeeded jobs are rolled up here once.
 */
export class CreateReportFacts1768200000200 implements MigrationInterface {
  name = 'CreateReportFacts1768200000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE report_daily (
      tenant_id uuid NOT NULL, day date NOT NULL, marketplace varchar(64) NOT NULL, task_name varchar(64) NOT NULL,
      jobs bigint NOT NULL, rows_checked bigint NOT NULL, rows_invalid bigint NOT NULL, errors bigint NOT NULL,
      warnings bigint NOT NULL, fixes_applied bigint NOT NULL,
      PRIMARY KEY (tenant_id, day, marketplace, task_name))`);
    await queryRunner.query(`CREATE TABLE report_daily_counts (
      tenant_id uuid NOT NULL, day date NOT NULL, marketplace varchar(64) NOT NULL,
      kind varchar(8) NOT NULL CHECK (kind IN ('rule', 'column')), name text NOT NULL, count bigint NOT NULL,
      PRIMARY KEY (tenant_id, kind, day, marketplace, name))`);
    // A summary's number, 0 when absent or not a number: summaries are workers' reports, read defensively.
    await queryRunner.query(`CREATE FUNCTION report_number(summary jsonb, key text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN jsonb_typeof(summary->key) = 'number' THEN least((summary->>key)::numeric, 9e15)::bigint ELSE 0 END $$`);
    await createPerRowReportTriggers(queryRunner);
    // Jobs that ended before this migration, rolled up once.
    await queryRunner.query(`
      INSERT INTO report_daily
      SELECT tenant_id, (finished_at AT TIME ZONE 'UTC')::date, left(coalesce(params->>'marketplace', 'generic'), 64), task_name, count(*),
             sum(report_number(summary, 'rows_total')), sum(report_number(summary, 'rows_invalid')), sum(report_number(summary, 'errors')),
             sum(report_number(summary, 'warnings')), sum(report_number(summary, 'fixes_applied'))
      FROM jobs WHERE status = 'succeeded' AND finished_at IS NOT NULL AND task_name IN ${CSV_TASKS} GROUP BY 1, 2, 3, 4`);
    await queryRunner.query(`
      INSERT INTO report_daily_counts
      SELECT j.tenant_id, (j.finished_at AT TIME ZONE 'UTC')::date, left(coalesce(j.params->>'marketplace', 'generic'), 64), k.kind, e.key,
             sum(report_number(jsonb_build_object('n', e.value), 'n'))
      FROM jobs j CROSS JOIN (VALUES ('rule'), ('column')) AS k(kind),
           jsonb_each(CASE WHEN jsonb_typeof(j.summary->('by_' || k.kind)) = 'object' THEN j.summary->('by_' || k.kind) ELSE '{}'::jsonb END) AS e
      WHERE j.status = 'succeeded' AND j.finished_at IS NOT NULL AND j.task_name IN ${CSV_TASKS} AND jsonb_typeof(e.value) = 'number'
      GROUP BY 1, 2, 3, 4, 5`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER jobs_report_facts_on_insert ON jobs`);
    await queryRunner.query(`DROP TRIGGER jobs_report_facts_on_update ON jobs`);
    await queryRunner.query(`DROP FUNCTION record_report_facts()`);
    await queryRunner.query(`DROP FUNCTION report_number(jsonb, text)`);
    await queryRunner.query(`DROP TABLE report_daily_counts`);
    await queryRunner.query(`DROP TABLE report_daily`);
  }
}

/** The per-row triggers this migration made (ReportFactsPerStatement replaces them; its `down` restores them). */
export async function createPerRowReportTriggers(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`CREATE FUNCTION record_report_facts() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      d date := (NEW.finished_at AT TIME ZONE 'UTC')::date;
      m text := left(coalesce(NEW.params->>'marketplace', 'generic'), 64);
      s jsonb := coalesce(NEW.summary, '{}'::jsonb);
      fact_kind text;
    BEGIN
      INSERT INTO report_daily VALUES (NEW.tenant_id, d, m, NEW.task_name, 1, report_number(s, 'rows_total'),
        report_number(s, 'rows_invalid'), report_number(s, 'errors'), report_number(s, 'warnings'), report_number(s, 'fixes_applied'))
      ON CONFLICT (tenant_id, day, marketplace, task_name) DO UPDATE SET
        jobs = report_daily.jobs + 1, rows_checked = report_daily.rows_checked + EXCLUDED.rows_checked,
        rows_invalid = report_daily.rows_invalid + EXCLUDED.rows_invalid, errors = report_daily.errors + EXCLUDED.errors,
        warnings = report_daily.warnings + EXCLUDED.warnings, fixes_applied = report_daily.fixes_applied + EXCLUDED.fixes_applied;
      FOREACH fact_kind IN ARRAY ARRAY['rule', 'column'] LOOP
        -- In name order, so concurrent transactions lock shared rows in the same order.
        INSERT INTO report_daily_counts
        SELECT NEW.tenant_id, d, m, fact_kind, e.key, report_number(jsonb_build_object('n', e.value), 'n')
        FROM jsonb_each(CASE WHEN jsonb_typeof(s->('by_' || fact_kind)) = 'object' THEN s->('by_' || fact_kind) ELSE '{}'::jsonb END) AS e
        WHERE jsonb_typeof(e.value) = 'number' ORDER BY e.key
        ON CONFLICT (tenant_id, kind, day, marketplace, name) DO UPDATE SET count = report_daily_counts.count + EXCLUDED.count;
      END LOOP;
      RETURN NULL;
    END $$`);
  const when = `NEW.status = 'succeeded' AND NEW.finished_at IS NOT NULL AND NEW.task_name IN ${CSV_TASKS}`;
  await queryRunner.query(
    `CREATE TRIGGER jobs_report_facts_on_update AFTER UPDATE OF status ON jobs FOR EACH ROW
     WHEN (${when} AND OLD.status IS DISTINCT FROM 'succeeded') EXECUTE FUNCTION record_report_facts()`,
  );
  await queryRunner.query(
    `CREATE TRIGGER jobs_report_facts_on_insert AFTER INSERT ON jobs FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION record_report_facts()`,
  );
}
