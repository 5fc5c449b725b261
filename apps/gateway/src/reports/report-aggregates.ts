import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { parseReportDate, REPORT_TOP_N, ReportCounts, ReportData } from '@validahub/jobs-tasks';

export interface ReportQuery {
  tenantId: string;
  from: string;
  to: string;
  marketplace?: string | null;
}

const DAY_MS = 86_400_000;
const COUNT_COLUMNS = ['rows_checked', 'rows_invalid', 'errors', 'warnings', 'fixes_applied'] as const;

/** A summary number, 0 when it is absent or not a number (a summary is a worker's report, read defensively). */
const summaryNumber = (key: string) => `CASE WHEN jsonb_typeof(summary->'${key}') = 'number' THEN (summary->>'${key}')::numeric ELSE 0 END`;
/** A summary object of counts, {} when it is absent or not an object. */
const summaryObject = (key: string) => `CASE WHEN jsonb_typeof(summary->'${key}') = 'object' THEN summary->'${key}' ELSE '{}'::jsonb END`;

/**
 * The tenant's finished (succeeded) CSV jobs of the period, read through the partial index
 * `jobs_report_facts_idx` (tenant_id, finished_at): only what their summaries recorded at job end
 * (row counts, fixes, per-rule and per-column counts), never the CSVs themselves.
 */
const FACTS = `
  FROM jobs
  WHERE tenant_id = $1 AND status = 'succeeded' AND task_name IN ('validate_csv_job', 'correct_csv_job')
    AND finished_at >= $2 AND finished_at < $3 AND ($4::text IS NULL OR params->>'marketplace' = $4)`;

const TOTALS_SQL = `
  SELECT coalesce(params->>'marketplace', 'generic') AS marketplace, (finished_at AT TIME ZONE 'UTC')::date::text AS day,
         GROUPING(coalesce(params->>'marketplace', 'generic')) AS all_marketplaces, GROUPING((finished_at AT TIME ZONE 'UTC')::date) AS all_days,
         count(*) AS jobs, count(*) FILTER (WHERE task_name = 'validate_csv_job') AS validate_jobs,
         sum(${summaryNumber('rows_total')}) AS rows_checked, sum(${summaryNumber('rows_invalid')}) AS rows_invalid,
         sum(${summaryNumber('errors')}) AS errors, sum(${summaryNumber('warnings')}) AS warnings,
         sum(${summaryNumber('fixes_applied')}) AS fixes_applied
  ${FACTS}
  GROUP BY GROUPING SETS ((), (coalesce(params->>'marketplace', 'generic')), ((finished_at AT TIME ZONE 'UTC')::date))`;

const topCountsSql = (key: string) => `
  SELECT entry.key AS name, sum((entry.value)::text::numeric) AS count
  FROM (SELECT ${summaryObject(key)} AS counts ${FACTS}) AS facts, jsonb_each(facts.counts) AS entry
  WHERE jsonb_typeof(entry.value) = 'number'
  GROUP BY entry.key ORDER BY count DESC, name LIMIT ${REPORT_TOP_N}`;

/** Computes a report's numbers in Postgres: three aggregate statements in one consistent snapshot. */
@Injectable()
export class ReportAggregates {
  constructor(private readonly dataSource: DataSource) {}

  async compute(query: ReportQuery, now = new Date()): Promise<ReportData> {
    const start = parseReportDate(query.from);
    const end = parseReportDate(query.to);
    if (!start || !end) throw new Error(`report period ${query.from}..${query.to} was not validated`);
    const params = [query.tenantId, start, new Date(end.getTime() + DAY_MS), query.marketplace ?? null];
    const [groups, rules, columns] = await this.dataSource.transaction('REPEATABLE READ', async (manager: EntityManager) => [
      (await manager.query(TOTALS_SQL, params)) as Record<string, unknown>[],
      (await manager.query(topCountsSql('by_rule'), params)) as { name: string; count: string }[],
      (await manager.query(topCountsSql('by_column'), params)) as { name: string; count: string }[],
    ]);
    // GROUPING() is 1 for what a row sums over: both for the totals, one for a marketplace's or a day's row.
    const totalsRow = groups.find((row) => Number(row.all_marketplaces) === 1 && Number(row.all_days) === 1);
    const totals = totalsRow ? counts(totalsRow) : counts({});
    const validateJobs = Number(totalsRow?.validate_jobs ?? 0);
    const byDay = new Map(groups.filter((row) => Number(row.all_days) === 0).map((row) => [row.day as string, counts(row)]));
    return {
      period: { from: query.from, to: query.to },
      marketplace: query.marketplace ?? null,
      generated_at: now.toISOString(),
      totals: { ...totals, validate_jobs: validateJobs, correct_jobs: totals.jobs - validateJobs },
      by_marketplace: groups
        .filter((row) => Number(row.all_marketplaces) === 0)
        .map((row) => ({ marketplace: row.marketplace as string, ...counts(row) }))
        .sort((a, b) => b.jobs - a.jobs || (a.marketplace < b.marketplace ? -1 : 1)),
      top_rules: rules.map((row) => ({ rule: row.name, count: Number(row.count) })),
      top_columns: columns.map((row) => ({ column: row.name, count: Number(row.count) })),
      daily: daysOf(start, end).map((date) => ({ date, ...(byDay.get(date) ?? counts({})) })),
    };
  }
}

function counts(row: Record<string, unknown>): ReportCounts {
  const values = Object.fromEntries(COUNT_COLUMNS.map((column) => [column, Number(row[column] ?? 0)])) as Record<
    (typeof COUNT_COLUMNS)[number],
    number
  >;
  const rate = values.rows_checked > 0 ? Math.round((values.rows_invalid / values.rows_checked) * 1e6) / 1e6 : 0;
  return { jobs: Number(row.jobs ?? 0), ...values, invalid_row_rate: rate };
}

function daysOf(start: Date, end: Date): string[] {
  const days: string[] = [];
  for (let t = start.getTime(); t <= end.getTime(); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
