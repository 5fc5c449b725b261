import Table from 'cli-table3';
import type { ReportIssue, ValidationReport } from '@validahub/csv-rules';
import type { Colors } from './colors';

export interface RenderContext {
  file: string;
  /** How many issues to list. */
  shown: number;
  /** Files written, by what they hold (absent ones are skipped). */
  written: [label: string, path: string | undefined][];
  /** Terminal width: the message column takes what the others leave. */
  width: number;
  colors: Colors;
}

const plain = { head: [] as string[], border: [] as string[] };
/** No rule between rows: compact, and still aligned. */
export const COMPACT_CHARS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
const number = (value: number): string => value.toLocaleString('en-US');

/** A short cell on one line (values, SKUs); messages are wrapped instead. */
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
    ['fixable with --fix', number(summary.fixable)],
  );
  return table.toString();
}

function byRuleTable(report: ValidationReport): string {
  const table = new Table({ head: ['rule', 'count'], style: plain, chars: COMPACT_CHARS, colAligns: ['left', 'right'] });
  const entries = Object.entries(report.by_rule).sort(([, a], [, b]) => b - a);
  for (const [rule, count] of entries) table.push([rule, number(count)]);
  return table.toString();
}

function severity(issue: ReportIssue, colors: Colors): string {
  const paint = issue.severity === 'error' ? colors.red : issue.severity === 'warning' ? colors.yellow : colors.green;
  return paint(issue.fixable ? `${issue.severity}*` : issue.severity);
}

/** row, line (as a spreadsheet/editor numbers it), SKU, column, rule, severity, the whole message wrapped, and the fix. */
function issuesTable(issues: readonly ReportIssue[], width: number, colors: Colors): string {
  const fixed = [7, 7, 14, 16, 16, 10, 18];
  // 8 columns -> 9 borders and 2 spaces of padding per column.
  const message = Math.max(30, width - fixed.reduce((a, b) => a + b, 0) - 9);
  const table = new Table({
    head: ['row', 'line', 'sku', 'column', 'rule', 'severity', 'message', 'fixed to'],
    style: plain,
    chars: COMPACT_CHARS,
    colWidths: [fixed[0], fixed[1], fixed[2], fixed[3], fixed[4], fixed[5], message, fixed[6]],
    wordWrap: true,
    wrapOnWordBoundary: true,
  });
  for (const issue of issues) {
    table.push([
      String(issue.row),
      issue.line === null ? '-' : String(issue.line),
      clip(issue.sku, fixed[2] - 2) || '-',
      clip(issue.column, fixed[3] - 2) || '-',
      issue.rule,
      severity(issue, colors),
      issue.message,
      clip(issue.fixed_value, fixed[6] - 2),
    ]);
  }
  return table.toString();
}

/** The terminal summary: what was checked, the counts, the rules hit, the first issues, hints, and the verdict. */
export function renderReport(report: ValidationReport, context: RenderContext): string {
  const { colors } = context;
  const category = report.category ? ` (category ${report.category})` : '';
  const lines = [
    `${colors.bold(context.file)}: ${report.marketplace}/${report.ruleset}${category}`,
    `encoding ${report.input.encoding}, delimiter ${JSON.stringify(report.input.delimiter)}, ${number(report.input.bytes)} bytes`,
    summaryTable(report),
  ];
  if (Object.keys(report.by_rule).length > 0) lines.push(byRuleTable(report));
  const listed = report.issues.slice(0, context.shown);
  if (listed.length > 0) {
    const total = Object.values(report.by_rule).reduce((sum, count) => sum + count, 0);
    lines.push(`issues (first ${number(listed.length)} of ${number(total)}):`, issuesTable(listed, context.width, colors));
    if (listed.some((issue) => issue.fixable)) lines.push(colors.dim('* --fix would fix this one'));
  }
  lines.push(report.summary_text);
  for (const [label, path] of context.written) if (path) lines.push(`${label} written to ${path}`);
  const { errors, rows_invalid: invalidRows } = report.summary;
  lines.push(
    errors === 0
      ? `${colors.green('result: VALID')} (exit code 0)`
      : `${colors.red(`result: INVALID: ${number(errors)} error${errors === 1 ? '' : 's'}, ${number(invalidRows)} invalid row${invalidRows === 1 ? '' : 's'}`)} (exit code 1)`,
  );
  return `${lines.join('\n')}\n`;
}
