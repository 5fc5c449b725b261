import { describeSummary } from './describe-summary';
import { detachString, shortenForReport } from './detach-string';
import type { IssueSeverity, ReportInput, ReportIssue, ValidationReport } from './report-types';

export const DEFAULT_MAX_ISSUES = 10_000;

/**
 * Collects issues: exact counts always, details up to `maxIssues`. The place of the next issues
 * (row, line, SKU) is set once with `at`, so the hot path passes only what differs per issue.
 */
export class ReportBuilder {
  private readonly issues: ReportIssue[] = [];
  private readonly countsByRule = new Map<string, number>();
  private readonly countsByColumn = new Map<string, number>();
  private truncated = false;
  private errors = 0;
  private warnings = 0;
  private fixes = 0;
  private fixable = 0;
  private row = 0;
  private line: number | null = null;
  private skuCell: string | null = null;
  /** The SKU as reported, worked out at the first detailed issue of the row. */
  private sku: string | null | undefined = undefined;

  constructor(private readonly maxIssues: number) {}

  /** `skuCell` is the row's raw SKU cell (it is only copied if an issue is kept). */
  at(row: number, line: number | null, skuCell: string | null = null): void {
    this.row = row;
    this.line = line;
    this.skuCell = skuCell;
    this.sku = undefined;
  }

  add(
    column: string | null,
    rule: string,
    severity: IssueSeverity,
    message: string,
    value: string | null,
    fixedValue: string | null = null,
    fixable = false,
  ): void {
    this.countsByRule.set(rule, (this.countsByRule.get(rule) ?? 0) + 1);
    if (column !== null) this.countsByColumn.set(column, (this.countsByColumn.get(column) ?? 0) + 1);
    if (severity === 'error') this.errors++;
    else if (severity === 'warning') this.warnings++;
    else this.fixes++;
    if (fixable) this.fixable++;

    if (this.issues.length >= this.maxIssues) {
      this.truncated = true;
      return;
    }
    this.issues.push({
      row: this.row,
      line: this.line,
      sku: this.reportedSku(),
      column: column === null ? null : detachString(column),
      rule,
      severity,
      message: detachString(message),
      value: value === null ? null : shortenForReport(value),
      fixed_value: fixedValue === null ? null : shortenForReport(fixedValue),
      fixable,
    });
  }

  build(header: {
    marketplace: string;
    category: string | null;
    ruleset: string;
    rowsTotal: number;
    rowsInvalid: number;
    input: ReportInput;
  }): ValidationReport {
    const byRule: Record<string, number> = {};
    const counts = [...this.countsByRule.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [rule, count] of counts) byRule[rule] = count;
    // Detached copies: a column name is a slice of the header line.
    const byColumn: Record<string, number> = {};
    for (const [column, count] of [...this.countsByColumn.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) byColumn[detachString(column)] = count;
    const summary = {
      rows_total: header.rowsTotal,
      rows_valid: header.rowsTotal - header.rowsInvalid,
      rows_invalid: header.rowsInvalid,
      errors: this.errors,
      warnings: this.warnings,
      fixes_applied: this.fixes,
      fixable: this.fixable,
    };
    return {
      marketplace: header.marketplace,
      category: header.category,
      ruleset: header.ruleset,
      summary,
      summary_text: describeSummary(summary),
      by_rule: byRule,
      by_column: byColumn,
      issues: this.issues,
      issues_truncated: this.truncated,
      input: header.input,
    };
  }

  private reportedSku(): string | null {
    if (this.sku !== undefined) return this.sku;
    const trimmed = this.skuCell?.trim() ?? '';
    this.sku = trimmed === '' ? null : shortenForReport(trimmed);
    return this.sku;
  }
}
