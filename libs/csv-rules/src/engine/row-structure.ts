import type { QuoteProblem } from '../parsing/record-reader';
import type { ReportBuilder } from '../report/report-builder';
import { isBlankValue } from './cells';
import type { ValidationPlan } from './validation-plan';

/** Extra cells shown in the report when empty ones are removed (the report cuts the value at 200 characters anyway). */
const SHOWN_EXTRA_CELLS = 201;

/** A row whose cell count differs from the header's; returns the number of errors reported. */
export function checkRowShape(report: ReportBuilder, width: number, cells: string[], autoFix: boolean): number {
  const count = `the row has ${cells.length} cells; the header has ${width}`;
  if (cells.length < width) {
    report.add(null, 'missing_cell', 'error', count, null);
    return 1;
  }
  let extrasBlank = true;
  for (let i = width; i < cells.length && extrasBlank; i++) extrasBlank = isBlankValue(cells[i]);
  if (!extrasBlank) {
    report.add(null, 'extra_cell', 'error', `${count}; the extra values belong to no column`, null);
    return 1;
  }
  if (autoFix) {
    const removed = cells.slice(width, width + SHOWN_EXTRA_CELLS).join(',');
    cells.length = width;
    report.add(null, 'empty_extra_cells_removed', 'fix', `${count}; the empty extra cells were removed`, removed, '');
  } else {
    report.add(null, 'extra_cell', 'warning', `${count}; the extra cells are empty`, null, null, true);
  }
  return 0;
}

export function describeQuoteProblem(kind: QuoteProblem['kind']): string {
  return kind === 'unterminated'
    ? 'a quoted value is never closed; the rest of the file was read into this row'
    : 'a quote inside a quoted value is not doubled ("")';
}

/** Cells holding U+FFFD, i.e. bytes the encoding could not decode; returns the number of errors reported. */
export function reportUndecodable(report: ReportBuilder, plan: ValidationPlan, cells: readonly string[]): number {
  let errors = 0;
  for (let i = 0; i < cells.length; i++) {
    if (cells[i].indexOf('\ufffd') === -1) continue;
    const column = i < plan.names.length ? plan.names[i] : null;
    const message = 'the value holds bytes that are not valid in the file encoding (shown as �)';
    report.add(column, 'encoding', 'error', message, cells[i]);
    errors++;
  }
  return errors;
}
