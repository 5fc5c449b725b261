import { neutralizeFormula } from '../fixes/formula-injection';
import { CsvLineFormatter } from '../output/csv-line';
import { DELIMITERS, type Delimiter } from '../parsing/dialect';
import type { ReportIssue, ValidationReport } from './report-types';

export const ISSUES_CSV_COLUMNS = ['row', 'line', 'sku', 'column', 'rule', 'severity', 'message', 'value', 'fixed_value', 'fixable'] as const;

export interface IssuesCsvOptions {
  /** Default: the input file's delimiter (`report.input.delimiter`), so it opens like the file did. */
  delimiter?: Delimiter;
  /** Start with a UTF-8 BOM so spreadsheets read accents right; default true. */
  bom?: boolean;
}

function cellsOf(issue: ReportIssue): string[] {
  const text = (value: string | number | null): string => (value === null ? '' : String(value));
  return [
    text(issue.row),
    text(issue.line),
    text(issue.sku),
    text(issue.column),
    issue.rule,
    issue.severity,
    issue.message,
    text(issue.value),
    text(issue.fixed_value),
    issue.fixable ? 'true' : 'false',
  ];
}

/**
 * The report's detailed issues as a CSV, one row per issue (the capped list: `by_rule` in the
 * report has the exact counts). Safe to open in a spreadsheet: a cell that would start a
 * formula gets a leading apostrophe, and cells holding `,` or `;` are quoted. CRLF line ends.
 */
export function renderIssuesCsv(report: ValidationReport, options: IssuesCsvOptions = {}): string {
  const inputDelimiter = (DELIMITERS as readonly string[]).includes(report.input.delimiter) ? (report.input.delimiter as Delimiter) : ',';
  const formatter = new CsvLineFormatter(options.delimiter ?? inputDelimiter);
  const lines = [formatter.format(ISSUES_CSV_COLUMNS, ISSUES_CSV_COLUMNS.length)];
  for (const issue of report.issues) {
    const cells = cellsOf(issue).map((cell) => neutralizeFormula(cell) ?? cell);
    lines.push(formatter.format(cells, cells.length));
  }
  lines.push('');
  return (options.bom === false ? '' : '\ufeff') + lines.join('\r\n');
}
