import { FORMULA_INJECTION_FIX, neutralizeFormula } from '../fixes/formula-injection';
import type { CorrectedCsvWriter } from '../output/corrected-writer';
import { withoutLineBreak, type CsvLineFormatter } from '../output/csv-line';
import type { QuoteProblem } from '../parsing/record-reader';
import type { ReportBuilder } from '../report/report-builder';
import { isBlankRow, isBlankValue } from './cells';
import { CellSuspicion } from './cell-suspicion';
import { DelimiterHint } from './delimiter-hint';
import { checkRowShape, describeQuoteProblem, reportUndecodable } from './row-structure';
import type { ColumnPlan, CompiledRule, ValidationPlan } from './validation-plan';

const FORMULA_MESSAGE = 'a leading apostrophe stops spreadsheets from running the value as a formula';

/**
 * Checks (and with auto-fix, corrects and writes) data rows one by one. This is the hot path:
 * it walks the plan's arrays and allocates only when it has something to report. A row that
 * auto-fix left untouched is written as it was read (`record`), without re-serialising it.
 */
export class RowProcessor {
  rowsTotal = 0;
  rowsInvalid = 0;
  private blankRunStart = 0;
  private blankRunLine = 0;
  private blankRunLength = 0;
  /** The message of the last failed check (kept here so checks return without allocating). */
  private failure = '';
  /** Whether a fix changed the current row. */
  private changed = false;
  private readonly suspicion: CellSuspicion;
  private delimiterHint: DelimiterHint | null = null;
  /**
   * The current row's place, handed to the report only when the row has something to report
   * (numbers only: keeping the row's cells in a field would cost a write barrier per row).
   */
  private row = 0;
  private line = 0;
  private placed = false;

  constructor(
    private readonly plan: ValidationPlan,
    private readonly report: ReportBuilder,
    private readonly autoFix: boolean,
    private readonly writer: CorrectedCsvWriter | null,
    private readonly formatter: CsvLineFormatter,
    private readonly headerLine: number,
  ) {
    this.suspicion = new CellSuspicion(plan.collapsesSpaces);
  }

  /** The header row (its blank, duplicate and unknown headers are reported by compilePlan): missing columns, then formula neutralising and writing (auto-fix). `record` as in `process`. */
  processHeader(header: string[], undecodable: boolean, record: string | null): void {
    this.report.at(0, this.headerLine);
    this.placed = true;
    for (const { column, accepted } of this.plan.missingColumns) {
      const message = `required column ${column.name} is missing (accepted headers: ${accepted.join(', ')})`;
      this.report.add(column.name, 'missing_column', 'error', message, null);
    }
    if (undecodable) reportUndecodable(this.report, this.plan, header);
    if (header.length === 1) this.delimiterHint = new DelimiterHint(this.formatter.delimiter, header[0]);
    this.changed = false;
    if (this.autoFix) this.finishRow(header, header.length, this.suspicion.all(header.length), record);
  }

  /**
   * `row` is the 1-based data row, `line` the physical line it starts on; `record` is the row's
   * text as read when it may be copied to the output unchanged, else null.
   */
  process(
    cells: string[],
    row: number,
    line: number,
    undecodable: boolean,
    quoteProblem: QuoteProblem['kind'] | undefined,
    record: string | null,
  ): void {
    if (isBlankRow(cells)) {
      if (this.blankRunLength++ === 0) {
        this.blankRunStart = row;
        this.blankRunLine = line;
      }
      return;
    }
    if (this.blankRunLength > 0) this.flushBlankRows();
    this.rowsTotal++;
    this.changed = false;
    const { report, plan, autoFix } = this;
    this.row = row;
    this.line = line;
    this.placed = false;
    let errors = 0;

    if (cells.length !== plan.width) {
      const count = cells.length;
      this.place(cells);
      errors += checkRowShape(report, plan.width, cells, autoFix);
      if (cells.length !== count) this.changed = true;
    }
    if (quoteProblem !== undefined) {
      this.place(cells);
      report.add(null, 'malformed_quotes', 'error', describeQuoteProblem(quoteProblem), null);
      errors++;
    }
    if (undecodable) {
      this.place(cells);
      errors += reportUndecodable(report, plan, cells);
    }

    const suspect = autoFix ? this.suspicion.scan(cells) : null;
    const columns = plan.columns;
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c];
      let value = cells[column.position];
      if (value === undefined) continue;
      if (suspect !== null && column.normalize !== null && suspect[column.position] === 1) {
        const normalized = column.normalize.apply(value);
        if (normalized !== null) {
          this.recordFix(cells, column.name, column.normalize.id, column.normalize.describe, value, normalized);
          value = normalized;
          cells[column.position] = value;
        }
      }
      let failed = this.check(column, value, row, cells);
      if (failed !== null && autoFix && column.repairs.length > 0) {
        const repaired = this.repair(column, value, cells);
        if (repaired !== value) {
          value = repaired;
          cells[column.position] = value;
          failed = this.check(column, value, row, cells);
        }
      }
      if (failed !== null) errors += this.reportFailure(column, failed, value, row, cells);
    }
    if (errors > 0) this.rowsInvalid++;
    if (suspect !== null) this.finishRow(cells, plan.width, suspect, quoteProblem === undefined ? record : null);
    if (this.delimiterHint !== null) this.sampleForDelimiterHint(cells);
  }

  /** Blank rows at the very end are a file-ending habit, not rows: they are dropped silently. */
  finish(): void {
    this.blankRunLength = 0;
    if (this.delimiterHint) this.giveDelimiterHint();
  }

  /** The first rule the value breaks (its message in `failure`), or null. */
  private check(column: ColumnPlan, value: string, row: number, cells: readonly string[]): CompiledRule | null {
    const rules = isBlankValue(value) ? column.emptyRules : column.valueRules;
    for (let r = 0; r < rules.length; r++) {
      const outcome = rules[r].check(value, row, cells);
      if (outcome === null) continue;
      if (typeof outcome === 'string') {
        this.failure = outcome;
        return rules[r];
      }
      this.reportNotice(column, rules[r], outcome.notice, cells);
    }
    return null;
  }

  /** A rule's remark that does not fail the value (e.g. the unique index stopped growing). */
  private reportNotice(column: ColumnPlan, rule: CompiledRule, notice: string, cells: readonly string[]): void {
    this.place(cells);
    this.report.add(column.name, rule.id, 'warning', notice, null);
  }

  /** Reports the cell's problem (kept out of `process`, whose hot loop stays small); returns the errors counted. */
  private reportFailure(column: ColumnPlan, failed: CompiledRule, value: string, row: number, cells: readonly string[]): number {
    const message = this.failure;
    const fixable = !this.autoFix && !failed.remembers && this.wouldFix(column, value, row, cells);
    this.place(cells);
    this.report.add(column.name, failed.id, failed.severity, message, value, null, fixable);
    return failed.severity === 'error' ? 1 : 0;
  }

  /** Without auto-fix: would its fixes make the value pass? (Value-remembering rules are left out: they may be asked only once.) */
  private wouldFix(column: ColumnPlan, value: string, row: number, cells: readonly string[]): boolean {
    let candidate = column.normalize?.apply(value) ?? value;
    if (candidate !== value && this.passesAfterFix(column, candidate, row, cells)) return true;
    for (const fix of column.repairs) candidate = fix.apply(candidate) ?? candidate;
    return candidate !== value && this.passesAfterFix(column, candidate, row, cells);
  }

  private passesAfterFix(column: ColumnPlan, value: string, row: number, cells: readonly string[]): boolean {
    const rules = isBlankValue(value) ? column.emptyRules : column.valueRules;
    for (const rule of rules) if (!rule.remembers && typeof rule.check(value, row, cells) === 'string') return false;
    return true;
  }

  private repair(column: ColumnPlan, value: string, cells: readonly string[]): string {
    let current = value;
    for (const fix of column.repairs) {
      const fixed = fix.apply(current);
      if (fixed === null) continue;
      this.recordFix(cells, column.name, fix.id, fix.describe, current, fixed);
      current = fixed;
    }
    return current;
  }

  private recordFix(cells: readonly string[], column: string | null, fix: string, describe: string, from: string, to: string): void {
    this.changed = true;
    this.place(cells);
    this.report.add(column, fix, 'fix', column === null ? describe : `${column} ${describe}`, from, to);
  }

  /** Hands the current row's place (row, line, SKU cell as read) to the report, once per row. */
  private place(cells: readonly string[]): void {
    if (this.placed) return;
    this.placed = true;
    const skuPosition = this.plan.skuPosition;
    this.report.at(this.row, this.line, skuPosition === -1 ? null : (cells[skuPosition] ?? null));
  }

  /** Auto-fix: neutralises formulas in suspect cells, then writes the row (as read when nothing changed). */
  private finishRow(cells: string[], width: number, suspect: Uint8Array, record: string | null): void {
    for (let i = 0; i < cells.length; i++) {
      if (suspect[i] === 0) continue;
      const neutral = neutralizeFormula(cells[i]);
      if (neutral === null) continue;
      this.recordFix(cells, i < this.plan.names.length ? this.plan.names[i] : null, FORMULA_INJECTION_FIX, FORMULA_MESSAGE, cells[i], neutral);
      cells[i] = neutral;
    }
    if (!this.writer) return;
    const asRead = record !== null && !this.changed && cells.length === width;
    this.writer.writeLine(asRead ? withoutLineBreak(record) : this.formatter.format(cells, width));
  }

  private flushBlankRows(): void {
    for (let i = 0; i < this.blankRunLength; i++) {
      this.rowsTotal++;
      // Blank rows hold no line breaks worth counting: each is one line.
      this.report.at(this.blankRunStart + i, this.blankRunLine + i);
      this.placed = true;
      if (this.autoFix) this.report.add(null, 'blank_row_removed', 'fix', 'blank row removed', null, null);
      else this.report.add(null, 'blank_row', 'warning', 'the row is blank', null, null, true);
    }
    this.blankRunLength = 0;
  }

  /** Only one-column files get here (kept apart so the hot path stays small). */
  private sampleForDelimiterHint(cells: readonly string[]): void {
    if (this.delimiterHint?.observe(cells)) this.giveDelimiterHint();
  }

  private giveDelimiterHint(): void {
    const message = this.delimiterHint?.decide() ?? null;
    this.delimiterHint = null;
    if (message === null) return;
    this.report.at(0, this.headerLine);
    this.placed = false;
    this.report.add(null, 'delimiter_hint', 'warning', message, null);
  }
}
