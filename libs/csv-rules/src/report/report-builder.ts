import { detachString, shortenForReport } from './detach-string';
import type { IssueSeverity, ReportInput, ReportIssue, ValidationReport } from './report-types';

export const DEFAULT_MAX_ISSUES = 10_000;

/** Collects issues: exact counts always, details up to `maxIssues`. */
export class ReportBuilder {
  private readonly issues: ReportIssue[] = [];
  private readonly countsByRule = new Map<string, number>();
  private truncated = false;
  private errors = 0;
  private warnings = 0;
  private fixes = 0;

  constructor(private readonly maxIssues: number) {}

  add(
    row: number,
    column: string | null,
    rule: string,
    severity: IssueSeverity,
    message: string,
    value: string | null,
    fixedValue: string | null = null,
  ): void {
    this.countsByRule.set(rule, (this.countsByRule.get(rule) ?? 0) + 1);
    if (severity === 'error') this.errors++;
    else if (severity === 'warning') this.warnings++;
    else this.fixes++;

    if (this.issues.length >= this.maxIssues) {
      this.truncated = true;
      return;
    }
    this.issues.push({
      row,
      column: column === null ? null : detachString(column),
      rule,
      severity,
      message: detachString(message),
      value: value === null ? null : shortenForReport(value),
      fixed_value: fixedValue === null ? null : shortenForReport(fixedValue),
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
    return {
      marketplace: header.marketplace,
      category: header.category,
      ruleset: header.ruleset,
      summary: {
        rows_total: header.rowsTotal,
        rows_valid: header.rowsTotal - header.rowsInvalid,
        rows_invalid: header.rowsInvalid,
        errors: this.errors,
        warnings: this.warnings,
        fixes_applied: this.fixes,
      },
      by_rule: byRule,
      issues: this.issues,
      issues_truncated: this.truncated,
      input: header.input,
    };
  }
}
