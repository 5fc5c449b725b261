import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { REPORT_TOTALS_SQL, reportTopCountsSql } from '@validahub/jobs-persistence';
import { parseReportDate, REPORT_TOP_N, ReportCounts, ReportData } from '@validahub/jobs-tasks';

export interface ReportQuery {
  tenantId: string;
  from: string;
  to: string;
  marketplace?: string | null;
}

const DAY_MS = 86_400_000;
const COUNT_COLUMNS = ['rows_checked', 'rows_invalid', 'errors', 'warnings', 'fixes_applied'] as const;

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
      (await manager.query(REPORT_TOTALS_SQL, params)) as Record<string, unknown>[],
      (await manager.query(reportTopCountsSql('rule', REPORT_TOP_N), params)) as { name: string; count: string }[],
      (await manager.query(reportTopCountsSql('column', REPORT_TOP_N), params)) as { name: string; count: string }[],
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
