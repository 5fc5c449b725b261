// The report statements over the daily roll-ups that migration CreateReportFacts keeps (see its comment):
// the gateway runs them (workers have no database); the benchmark explains them.

/** The period's roll-ups (see report-facts-schema.ts): $1 tenant, $2..$3 days (inclusive), $4 marketplace or null. */
const PERIOD = `tenant_id = $1 AND day BETWEEN $2::date AND $3::date AND ($4::text IS NULL OR marketplace = $4)`;

/** Totals, per marketplace and per day in one pass (GROUPING() tells the three kinds of rows apart). */
export const REPORT_TOTALS_SQL = `
  SELECT marketplace, day::text AS day, GROUPING(marketplace) AS all_marketplaces, GROUPING(day) AS all_days,
         sum(jobs) AS jobs, sum(jobs) FILTER (WHERE task_name = 'validate_csv_job') AS validate_jobs,
         sum(rows_checked) AS rows_checked, sum(rows_invalid) AS rows_invalid, sum(errors) AS errors,
         sum(warnings) AS warnings, sum(fixes_applied) AS fixes_applied
  FROM report_daily WHERE ${PERIOD}
  GROUP BY GROUPING SETS ((), (marketplace), (day))`;

/** The `limit` most frequent rules or columns of the period. */
export const reportTopCountsSql = (kind: 'rule' | 'column', limit: number) => `
  SELECT name, sum(count) AS count FROM report_daily_counts WHERE kind = '${kind}' AND ${PERIOD}
  GROUP BY name ORDER BY count DESC, name LIMIT ${Math.trunc(limit)}`;
