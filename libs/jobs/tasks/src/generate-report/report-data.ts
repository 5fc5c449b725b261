// What a report is made of: the gateway computes it in SQL (workers have no database), stores it
// beside the job's results, and the worker renders it. Both sides agree on this shape and place.

/** Aggregates of a group of finished CSV jobs. */
export interface ReportCounts {
  jobs: number;
  rows_checked: number;
  rows_invalid: number;
  /** rows_invalid / rows_checked, 0 when nothing was checked (rounded to 6 decimals). */
  invalid_row_rate: number;
  errors: number;
  warnings: number;
  fixes_applied: number;
}

export interface ReportData {
  /** Inclusive dates (UTC). */
  period: { from: string; to: string };
  /** The one marketplace reported on, or null for all. */
  marketplace: string | null;
  /** When the gateway took the numbers. */
  generated_at: string;
  totals: ReportCounts & { validate_jobs: number; correct_jobs: number };
  by_marketplace: (ReportCounts & { marketplace: string })[];
  /** Most frequent rules and columns, most issues first (ties by name). */
  top_rules: { rule: string; count: number }[];
  top_columns: { column: string; count: number }[];
  /** Every day of the period, days without jobs included. */
  daily: (ReportCounts & { date: string })[];
}

export const REPORT_TOP_N = 10;
const DATA_FILE = 'report-data.json';

/**
 * Where the gateway puts a report job's data: under the job's own results folder, in the
 * tenant's storage (`<results>/<job id>/input/report-data.json`), where its worker reads it.
 */
export function reportDataLocation(resultsUri: string, jobId: string): string {
  if (!/^[0-9a-f-]{36}$/.test(jobId)) throw new Error(`not a job id: ${JSON.stringify(jobId)}`);
  return `${resultsUri.replace(/\/+$/, '')}/${jobId}/input/${DATA_FILE}`;
}

/** Checks the stored data enough to render it safely (it crossed storage); a message for what is wrong. */
export function reportDataProblem(value: unknown): string | null {
  const data = value as Partial<ReportData> | null;
  if (!data || typeof data !== 'object') return 'not an object';
  if (!data.period || typeof data.period.from !== 'string' || typeof data.period.to !== 'string') return 'no period';
  for (const key of ['by_marketplace', 'top_rules', 'top_columns', 'daily'] as const) {
    if (!Array.isArray(data[key])) return `no ${key} list`;
  }
  if (!data.totals || typeof data.totals.jobs !== 'number') return 'no totals';
  return null;
}
