/** `fix` marks a change made by auto-fix; `error` and `warning` are problems left in the file. */
export type IssueSeverity = 'error' | 'warning' | 'fix';

export interface ReportIssue {
  /** 1-based data row (the first row after the header is 1); 0 is the header itself. */
  row: number;
  /** The ruleset's column name, or the header as spelled for unmapped columns; null for row-wide issues. */
  column: string | null;
  rule: string;
  severity: IssueSeverity;
  message: string;
  /** The value as read (shortened past 200 characters); null for row-wide issues. */
  value: string | null;
  /** The value after a fix; null unless `severity` is `fix`. */
  fixed_value: string | null;
}

export interface ReportSummary {
  rows_total: number;
  rows_valid: number;
  rows_invalid: number;
  errors: number;
  warnings: number;
  fixes_applied: number;
}

export interface ReportInput {
  encoding: string;
  delimiter: string;
  bytes: number;
}

export interface ValidationReport {
  marketplace: string;
  category: string | null;
  ruleset: string;
  summary: ReportSummary;
  /** Exact count per rule (and per fix), whatever the cap on `issues`. */
  by_rule: Record<string, number>;
  issues: ReportIssue[];
  issues_truncated: boolean;
  input: ReportInput;
}
