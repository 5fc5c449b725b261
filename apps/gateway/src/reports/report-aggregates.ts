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

/** The period's roll-ups (see report-facts-schema.ts): $1 tenant, $2..$3 days (inclusive), $4 marketplace or null. */
const PERIOD = `tenant_id = $1 AND day BETWEEN $2::date AND $3::date AND ($4::text IS NULL OR marketplace = $4)`;

/** Exported for the benchmark's EXPLAIN ANALYZE (bench/reports). */
export const TOTALS_SQL = `
  SELECT marketplace, day::text AS day, GROUPING(marketplace) AS all_marketplaces, GROUPING(day) AS all_days,
         sum(jobs) AS jobs, sum(jobs) FILTER (WHERE task_name = 'validate_csv_job') AS validate_jobs,
         sum(rows_checked) AS rows_checked, sum(rows_invalid) AS rows_invalid, sum(errors) AS errors,
         sum(warnings) AS warnings, sum(fixes_applied) AS fixes_applied
  FROM report_daily WHERE ${PERIOD}
  GROUP BY GROUPING SETS ((), (marketplace), (day))`;

export const topCountsSql = (kind: 'rule' | 'column') => `
  SELECT name, sum(count) AS count FROM report_daily_counts WHERE kind = '${kind}' AND ${PERIOD}
  GROUP BY name ORDER BY count DESC, name LIMIT ${REPORT_TOP_N}`;

/**
 * Computes a report's numbers in Postgres from the daily roll-ups recorded when each CSV job
 * ended (never the CSVs, nor the jobs themselves): three aggregate statements in one snapshot.
 */
@Injectable()
export class ReportAggregates {
  constructor(private readonly dataSource: DataSource) {}

  async compute(query: ReportQuery, now = new Date()): Promise<ReportData> {
    const start = parseReportDate(query.from);
    const end = parseReportDate(query.to);
    if (!start || !end) throw new Error(`report period ${query.from}..${query.to} was not validated`);
    const params = [query.tenantId, query.from, query.to, query.marketplace ?? null];
    const [groups, rules, columns] = await this.dataSource.transaction('REPEATABLE READ', async (manager: EntityManager) => [
      (await manager.query(TOTALS_SQL, params)) as Record<string, unknown>[],
      (await manager.query(topCountsSql('rule'), params)) as { name: string; count: string }[],
      (await manager.query(topCountsSql('column'), params)) as { name: string; count: string }[],
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
