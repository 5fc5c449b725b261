/** `fix` marks a change made by auto-fix; `error` and `warning` are problems left in the file. */
export type IssueSeverity = 'error' | 'warning' | 'fix';

export interface ReportIssue {
  /** 1-based data row (the first row after the header is 1); 0 is the header itself. */
  row: number;
  /**
   * The line of the file the row starts on, as a text editor numbers them (1-based; the header,
   * blank lines and line breaks inside quoted cells count). A spreadsheet shows the same number
   * unless an earlier cell holds a line break. Null for issues about the file as a whole.
   */
  line: number | null;
  /** The row's value in the ruleset's SKU column (as read, trimmed, shortened); null without one. */
  sku: string | null;
  /** The ruleset's column name, or the header as spelled for unmapped columns; null for row-wide issues. */
  column: string | null;
  rule: string;
  severity: IssueSeverity;
  message: string;
  /** The value as read (shortened past 200 characters); null for row-wide issues. */
  value: string | null;
  /** The value after a fix; null unless `severity` is `fix`. */
  fixed_value: string | null;
  /** Without auto-fix: true when auto-fix would fix this problem. Always false with auto-fix (what it could fix, it did). */
  fixable: boolean;
}

export interface ReportSummary {
  rows_total: number;
  rows_valid: number;
  rows_invalid: number;
  errors: number;
  warnings: number;
  fixes_applied: number;
  /** Problems (errors and warnings) auto-fix would fix; 0 when auto-fix ran. */
  fixable: number;
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
  /** The summary in words, for people (e.g. "12 issues can be fixed automatically with auto_fix."). */
  summary_text: string;
  /** Exact count per rule (and per fix), whatever the cap on `issues`. */
  by_rule: Record<string, number>;
  /** Exact count per column (issues about a whole row or the file have none), whatever the cap on `issues`. */
  by_column: Record<string, number>;
  issues: ReportIssue[];
  issues_truncated: boolean;
  input: ReportInput;
}
