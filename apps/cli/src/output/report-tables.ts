import Table from 'cli-table3';
import type { ReportIssue, ValidationReport } from '@validahub/csv-rules';

export interface RenderContext {
  file: string;
  /** How many issues to list. */
  shown: number;
  correctedFile: string | null;
  reportFile: string | null;
}

const plain = { head: [] as string[], border: [] as string[] };
/** No rule between rows: compact, and still aligned. */
export const COMPACT_CHARS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
const number = (value: number): string => value.toLocaleString('en-US');

function clip(text: string | null, width: number): string {
  if (text === null) return '';
  const oneLine = text.replace(/\r?\n|\r/g, '⏎');
  return oneLine.length > width ? `${oneLine.slice(0, width - 1)}…` : oneLine;
}

function summaryTable(report: ValidationReport): string {
  const { summary } = report;
  const table = new Table({ style: plain, chars: COMPACT_CHARS, colAligns: ['left', 'right'] });
  table.push(
    ['rows', number(summary.rows_total)],
    ['valid rows', number(summary.rows_valid)],
    ['invalid rows', number(summary.rows_invalid)],
    ['errors', number(summary.errors)],
    ['warnings', number(summary.warnings)],
    ['fixes applied', number(summary.fixes_applied)],
  );
  return table.toString();
}

function byRuleTable(report: ValidationReport): string {
  const table = new Table({ head: ['rule', 'count'], style: plain, chars: COMPACT_CHARS, colAligns: ['left', 'right'] });
  const entries = Object.entries(report.by_rule).sort(([, a], [, b]) => b - a);
  for (const [rule, count] of entries) table.push([rule, number(count)]);
  return table.toString();
}

function issuesTable(issues: readonly ReportIssue[]): string {
  const table = new Table({
    head: ['row', 'column', 'rule', 'severity', 'message', 'fixed to'],
    style: plain,
    chars: COMPACT_CHARS,
    wordWrap: false,
  });
  for (const issue of issues) {
    table.push([String(issue.row), clip(issue.column, 20) || '-', issue.rule, issue.severity, clip(issue.message, 70), clip(issue.fixed_value, 24)]);
  }
  return table.toString();
}

/** The terminal summary: what was checked, the counts, the rules hit, the first issues, and the verdict. */
export function renderReport(report: ValidationReport, context: RenderContext): string {
  const category = report.category ? ` (category ${report.category})` : '';
  const lines = [
    `${context.file}: ${report.marketplace}/${report.ruleset}${category}`,
    `encoding ${report.input.encoding}, delimiter ${JSON.stringify(report.input.delimiter)}, ${number(report.input.bytes)} bytes`,
    summaryTable(report),
  ];
  if (Object.keys(report.by_rule).length > 0) lines.push(byRuleTable(report));
  const listed = report.issues.slice(0, context.shown);
  if (listed.length > 0) {
    const total = Object.values(report.by_rule).reduce((sum, count) => sum + count, 0);
    lines.push(`issues (first ${number(listed.length)} of ${number(total)}):`, issuesTable(listed));
  }
  if (context.correctedFile) lines.push(`corrected CSV written to ${context.correctedFile}`);
  if (context.reportFile && context.reportFile !== '-') lines.push(`report written to ${context.reportFile}`);
  const { errors, rows_invalid: invalidRows } = report.summary;
  lines.push(
    errors === 0
      ? 'result: VALID (exit code 0)'
      : `result: INVALID: ${number(errors)} error${errors === 1 ? '' : 's'}, ${number(invalidRows)} invalid row${invalidRows === 1 ? '' : 's'} (exit code 1)`,
  );
  return `${lines.join('\n')}\n`;
}
